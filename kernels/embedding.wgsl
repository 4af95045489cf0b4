// Token + position embedding and its backward, on vec4s of the width.
// forward: x[row] = wte[token[row]] + wpe[row % seq]; rows >= rows (padding) are zero.
// backward_tokens: dwte[v] += sum of dx over the rows whose input token is v, read from a bucket list
//   (offsets [vocab_rows + 1], then row indices sorted by token, ascending) built on the host: a fixed
//   summation order and no atomics. (dwte already holds the tied output head's gradient.)
// backward_positions: dwpe[t] = sum over sequences of dx[b, t]; rows t >= seq of wpe get zero.
// Dispatch: 64 invocations per workgroup, x * y workgroups covering (rows | vocab_rows | context) *
// width / 4.

struct Dims {
  rows: u32,
  padded_rows: u32,
  seq: u32,
  width: u32,
  vocab_rows: u32,
  context: u32,
  _pad0: u32,
  _pad1: u32,
}

@group(0) @binding(0) var<uniform> dims: Dims;
@group(0) @binding(1) var<storage, read> tokens: array<u32>;
@group(0) @binding(2) var<storage, read> wte: array<vec4<f32>>;
@group(0) @binding(3) var<storage, read> wpe: array<vec4<f32>>;
@group(0) @binding(4) var<storage, read_write> x: array<vec4<f32>>;
@group(0) @binding(5) var<storage, read> dx: array<vec4<f32>>;
@group(0) @binding(6) var<storage, read> buckets: array<u32>;
@group(0) @binding(7) var<storage, read_write> dwte: array<vec4<f32>>;
@group(0) @binding(8) var<storage, read_write> dwpe: array<vec4<f32>>;

fn index(gid: vec3<u32>, nwg: vec3<u32>) -> u32 {
  return gid.x + gid.y * nwg.x * 64u;
}

@compute @workgroup_size(64)
fn forward(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let width4 = dims.width / 4u;
  let i = index(gid, nwg);
  let row = i / width4;
  let c4 = i % width4;
  if (row >= dims.padded_rows) {
    return;
  }
  if (row >= dims.rows) {
    x[i] = vec4<f32>(0.0);
    return;
  }
  x[i] = wte[tokens[row] * width4 + c4] + wpe[(row % dims.seq) * width4 + c4];
}

@compute @workgroup_size(64)
fn backward_tokens(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let width4 = dims.width / 4u;
  let i = index(gid, nwg);
  let v = i / width4;
  let c4 = i % width4;
  if (v >= dims.vocab_rows) {
    return;
  }
  var acc = vec4<f32>(0.0);
  let start = buckets[v];
  let end = buckets[v + 1u];
  for (var j = start; j < end; j++) {
    acc += dx[buckets[dims.vocab_rows + 1u + j] * width4 + c4];
  }
  dwte[i] += acc;
}

@compute @workgroup_size(64)
fn backward_positions(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let width4 = dims.width / 4u;
  let i = index(gid, nwg);
  let t = i / width4;
  let c4 = i % width4;
  if (t >= dims.context) {
    return;
  }
  var acc = vec4<f32>(0.0);
  if (t < dims.seq) {
    for (var row = t; row < dims.rows; row += dims.seq) {
      acc += dx[row * width4 + c4];
    }
  }
  dwpe[i] = acc;
}
