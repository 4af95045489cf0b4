// Matrix product without workgroup barriers: each invocation computes a 4x4 block of the output from
// vec4 loads. The fastest variant on CPU adapters (llvmpipe), where barriers are expensive.
//
// C[M, N] = A'[M, K] B'[K, N] (+ bias[N] when has_bias != 0), row-major, M, N and K multiples of 4:
//   nn: A stored [M, K], B stored [K, N]   (forward: y = x W + b; dx of the tied head: dlogits wte)
//   nt: A stored [M, K], B stored [N, K]   (dx = dy W^T; logits = x wte^T)
//   tn: A stored [K, M], B stored [K, N]   (dW = x^T dy)
// Dispatch: x over N / 4 column blocks, y over M / 4 row blocks, 8x8 invocations per workgroup.

struct Dims {
  m: u32,
  n: u32,
  k: u32,
  has_bias: u32,
}

@group(0) @binding(0) var<uniform> dims: Dims;
@group(0) @binding(1) var<storage, read> a: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read> b: array<vec4<f32>>;
@group(0) @binding(3) var<storage, read> bias: array<vec4<f32>>;
@group(0) @binding(4) var<storage, read_write> c: array<vec4<f32>>;

fn store(row: u32, col4: u32, acc0: vec4<f32>, acc1: vec4<f32>, acc2: vec4<f32>, acc3: vec4<f32>) {
  let n4 = dims.n / 4u;
  var add = vec4<f32>(0.0);
  if (dims.has_bias != 0u) {
    add = bias[col4];
  }
  c[row * n4 + col4] = acc0 + add;
  c[(row + 1u) * n4 + col4] = acc1 + add;
  c[(row + 2u) * n4 + col4] = acc2 + add;
  c[(row + 3u) * n4 + col4] = acc3 + add;
}

@compute @workgroup_size(8, 8)
fn nn(@builtin(global_invocation_id) gid: vec3<u32>) {
  let n4 = dims.n / 4u;
  let k4 = dims.k / 4u;
  let col4 = gid.x;
  let row = gid.y * 4u;
  if (col4 >= n4 || row >= dims.m) {
    return;
  }
  var acc0 = vec4<f32>(0.0);
  var acc1 = vec4<f32>(0.0);
  var acc2 = vec4<f32>(0.0);
  var acc3 = vec4<f32>(0.0);
  for (var k = 0u; k < k4; k++) {
    let a0 = a[row * k4 + k];
    let a1 = a[(row + 1u) * k4 + k];
    let a2 = a[(row + 2u) * k4 + k];
    let a3 = a[(row + 3u) * k4 + k];
    let base = 4u * k * n4 + col4;
    let b0 = b[base];
    let b1 = b[base + n4];
    let b2 = b[base + 2u * n4];
    let b3 = b[base + 3u * n4];
    acc0 += a0.x * b0 + a0.y * b1 + a0.z * b2 + a0.w * b3;
    acc1 += a1.x * b0 + a1.y * b1 + a1.z * b2 + a1.w * b3;
    acc2 += a2.x * b0 + a2.y * b1 + a2.z * b2 + a2.w * b3;
    acc3 += a3.x * b0 + a3.y * b1 + a3.z * b2 + a3.w * b3;
  }
  store(row, col4, acc0, acc1, acc2, acc3);
}

@compute @workgroup_size(8, 8)
fn nt(@builtin(global_invocation_id) gid: vec3<u32>) {
  let k4 = dims.k / 4u;
  let col = gid.x * 4u;
  let row = gid.y * 4u;
  if (col >= dims.n || row >= dims.m) {
    return;
  }
  var acc0 = vec4<f32>(0.0);
  var acc1 = vec4<f32>(0.0);
  var acc2 = vec4<f32>(0.0);
  var acc3 = vec4<f32>(0.0);
  for (var k = 0u; k < k4; k++) {
    let a0 = a[row * k4 + k];
    let a1 = a[(row + 1u) * k4 + k];
    let a2 = a[(row + 2u) * k4 + k];
    let a3 = a[(row + 3u) * k4 + k];
    let b0 = b[col * k4 + k];
    let b1 = b[(col + 1u) * k4 + k];
    let b2 = b[(col + 2u) * k4 + k];
    let b3 = b[(col + 3u) * k4 + k];
    acc0 += vec4<f32>(dot(a0, b0), dot(a0, b1), dot(a0, b2), dot(a0, b3));
    acc1 += vec4<f32>(dot(a1, b0), dot(a1, b1), dot(a1, b2), dot(a1, b3));
    acc2 += vec4<f32>(dot(a2, b0), dot(a2, b1), dot(a2, b2), dot(a2, b3));
    acc3 += vec4<f32>(dot(a3, b0), dot(a3, b1), dot(a3, b2), dot(a3, b3));
  }
  store(row, gid.x, acc0, acc1, acc2, acc3);
}

@compute @workgroup_size(8, 8)
fn tn(@builtin(global_invocation_id) gid: vec3<u32>) {
  let m4 = dims.m / 4u;
  let n4 = dims.n / 4u;
  let col4 = gid.x;
  if (col4 >= n4 || gid.y >= m4) {
    return;
  }
  var acc0 = vec4<f32>(0.0);
  var acc1 = vec4<f32>(0.0);
  var acc2 = vec4<f32>(0.0);
  var acc3 = vec4<f32>(0.0);
  for (var k = 0u; k < dims.k; k++) {
    let av = a[k * m4 + gid.y];
    let bv = b[k * n4 + col4];
    acc0 += av.x * bv;
    acc1 += av.y * bv;
    acc2 += av.z * bv;
    acc3 += av.w * bv;
  }
  store(gid.y * 4u, col4, acc0, acc1, acc2, acc3);
}
