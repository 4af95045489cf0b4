// Matrix product without workgroup barriers: each invocation computes a 32x16 block of the output from
// vec4 loads, kept in registers. The fastest variant on CPU adapters (llvmpipe), where barriers are
// expensive and every storage load is a per-lane gather (about 15x a multiply-add per float: `deno task
// bench:loads`): a 32x16 block does 10.7 multiply-adds per loaded float (16x16 does 8, 8x8 4, 4x4 2).
// On llvmpipe 8x8 measured 2-2.5x faster than 4x4, 16x16 1.2-1.7x faster than 8x8, and 32x16 6-9% less
// CPU per training step than 16x16 (32x32 and 32x8 in between); 48 rows exceed what llvmpipe unrolls
// and ran 2.5x slower. ROWS and COLS4 must match BLOCK_ROWS and BLOCK_COLS in src/train/gpu/ops.ts.
//
// C[M, N] = A'[M, K] B'[K, N] (+ bias[N] when HAS_BIAS) (+ residual[M, N] when HAS_RESIDUAL, added last:
// a residual connection fused into the product that feeds it), row-major, N and K multiples of 4; with
// HAS_GELU, also activated = gelu(C) (GELU fused into the product before it). The epilogue's options are
// override constants, not uniforms: llvmpipe executes both sides of a branch on a uniform, so a GELU or a
// residual load behind a uniform flag would cost every product that does not use it.
//   nn: A stored [M, K], B stored [K, N]   (forward: y = x W + b; dx of the tied head: dlogits wte)
//   nt: A stored [M, K], B stored [N, K]   (dx = dy W^T; logits = x wte^T)
//   tn: A stored [K, M], B stored [K, N]   (dW = x^T dy; M a multiple of 4)
// Edge blocks clamp their loads and skip their stores past M and N.
// Split K: with chunks > 1, invocation z sums k in [z k_chunk, (z + 1) k_chunk) into partial[z] ([M, N]
// each) and `reduce` adds the chunks in order (and the bias) into C: a long inner dimension (the rows of a
// batch, in dW) then streams a cache-sized slice per pass, which measured 1.8x faster on llvmpipe.
// Dispatch: WG_X x WG_Y invocations per workgroup (at most 64; narrow outputs use fewer columns of
// invocations, so that lanes are not left idle); x over ceil(N / (16 WG_X)), y over ceil(M / (16 WG_Y)),
// z over chunks;
// reduce: 64 per workgroup, x * y workgroups covering M * N / 4.

struct Dims {
  m: u32,
  n: u32,
  k: u32,
  _pad0: u32,
  // Multiple of 4; chunks = ceil(k / k_chunk).
  k_chunk: u32,
  chunks: u32,
  _pad1: u32,
  _pad2: u32,
}

@group(0) @binding(0) var<uniform> dims: Dims;
@group(0) @binding(1) var<storage, read> a: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read> b: array<vec4<f32>>;
@group(0) @binding(3) var<storage, read> bias: array<vec4<f32>>;
@group(0) @binding(4) var<storage, read_write> c: array<vec4<f32>>;
// [chunks, M, N] partial products when chunks > 1 (else unused; the output is bound here too).
@group(0) @binding(5) var<storage, read_write> partial: array<vec4<f32>>;
// Added to C when HAS_RESIDUAL (else a placeholder).
@group(0) @binding(6) var<storage, read> residual: array<vec4<f32>>;
// Receives gelu(C) when HAS_GELU (else the output is bound here too).
@group(0) @binding(7) var<storage, read_write> activated: array<vec4<f32>>;

// #include gelu_fn

// Output rows per invocation, and output columns in vec4s.
const ROWS: u32 = 32u;
const COLS4: u32 = 4u;

// Workgroup shape of the product entry points, chosen per shape by the host.
override WG_X: u32 = 8u;
override WG_Y: u32 = 8u;
// The epilogue, chosen per product by the host; SPLIT: chunks > 1 (the products write partial sums).
override HAS_BIAS: bool = false;
override HAS_RESIDUAL: bool = false;
override HAS_GELU: bool = false;
override SPLIT: bool = false;

alias Block = array<array<vec4<f32>, COLS4>, ROWS>;

fn bias_at(col4: u32) -> vec4<f32> {
  if (HAS_BIAS) {
    return bias[col4];
  }
  return vec4<f32>(0.0);
}

// Stores C at vec4 index i from its sum (bias included): plus the residual when there is one, and its
// GELU when asked.
fn put(i: u32, sum: vec4<f32>) {
  var value = sum;
  if (HAS_RESIDUAL) {
    value = residual[i] + sum;
  }
  c[i] = value;
  if (HAS_GELU) {
    activated[i] = gelu(value);
  }
}

// Writes the block at (row, col4 in vec4s) inside the output only: with the bias into C, or into this
// chunk's partial product.
fn store(row: u32, col4: u32, chunk: u32, acc: Block) {
  let n4 = dims.n / 4u;
  let offset = chunk * dims.m * n4;
  for (var j = 0u; j < COLS4; j++) {
    if (col4 + j < n4) {
      var add = vec4<f32>(0.0);
      if (!SPLIT) {
        add = bias_at(col4 + j);
      }
      for (var r = 0u; r < ROWS; r++) {
        if (row + r < dims.m) {
          if (!SPLIT) {
            let i = (row + r) * n4 + col4 + j;
            put(i, acc[r][j] + add);
          } else {
            partial[offset + (row + r) * n4 + col4 + j] = acc[r][j];
          }
        }
      }
    }
  }
}

@compute @workgroup_size(64)
fn reduce(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = gid.x + gid.y * nwg.x * 64u;
  let n4 = dims.n / 4u;
  let size = dims.m * n4;
  if (i >= size) {
    return;
  }
  var sum = bias_at(i % n4);
  for (var chunk = 0u; chunk < dims.chunks; chunk++) {
    sum += partial[chunk * size + i];
  }
  put(i, sum);
}

@compute @workgroup_size(WG_X, WG_Y)
fn nn(@builtin(global_invocation_id) gid: vec3<u32>) {
  let n4 = dims.n / 4u;
  let k4 = dims.k / 4u;
  let col4 = gid.x * COLS4;
  let row = gid.y * ROWS;
  if (col4 >= n4 || row >= dims.m) {
    return;
  }
  var acc: Block;
  for (var k = gid.z * dims.k_chunk / 4u; k < min(k4, (gid.z + 1u) * dims.k_chunk / 4u); k++) {
    // Rows 4k..4k+3 of B, COLS4 vec4s each.
    var bv: array<array<vec4<f32>, COLS4>, 4>;
    for (var i = 0u; i < 4u; i++) {
      for (var j = 0u; j < COLS4; j++) {
        bv[i][j] = b[(4u * k + i) * n4 + min(col4 + j, n4 - 1u)];
      }
    }
    for (var r = 0u; r < ROWS; r++) {
      let av = a[min(row + r, dims.m - 1u) * k4 + k];
      for (var j = 0u; j < COLS4; j++) {
        acc[r][j] += av.x * bv[0][j] + av.y * bv[1][j] + av.z * bv[2][j] + av.w * bv[3][j];
      }
    }
  }
  store(row, col4, gid.z, acc);
}

@compute @workgroup_size(WG_X, WG_Y)
fn nt(@builtin(global_invocation_id) gid: vec3<u32>) {
  let k4 = dims.k / 4u;
  let col = gid.x * COLS4 * 4u;
  let row = gid.y * ROWS;
  if (col >= dims.n || row >= dims.m) {
    return;
  }
  var acc: Block;
  for (var k = gid.z * dims.k_chunk / 4u; k < min(k4, (gid.z + 1u) * dims.k_chunk / 4u); k++) {
    // Columns k..k+3 of B's rows col..col + 4 COLS4 - 1 (output columns).
    var bv: array<vec4<f32>, COLS4 * 4u>;
    for (var j = 0u; j < COLS4 * 4u; j++) {
      bv[j] = b[min(col + j, dims.n - 1u) * k4 + k];
    }
    for (var r = 0u; r < ROWS; r++) {
      let av = a[min(row + r, dims.m - 1u) * k4 + k];
      for (var j = 0u; j < COLS4; j++) {
        acc[r][j] += vec4<f32>(
          dot(av, bv[4u * j]),
          dot(av, bv[4u * j + 1u]),
          dot(av, bv[4u * j + 2u]),
          dot(av, bv[4u * j + 3u]),
        );
      }
    }
  }
  store(row, col / 4u, gid.z, acc);
}

@compute @workgroup_size(WG_X, WG_Y)
fn tn(@builtin(global_invocation_id) gid: vec3<u32>) {
  let m4 = dims.m / 4u;
  let n4 = dims.n / 4u;
  let col4 = gid.x * COLS4;
  let row = gid.y * ROWS;
  if (col4 >= n4 || row >= dims.m) {
    return;
  }
  var acc: Block;
  for (var k = gid.z * dims.k_chunk; k < min(dims.k, (gid.z + 1u) * dims.k_chunk); k++) {
    // Row k of A, output rows row..row + ROWS - 1 (ROWS / 4 vec4s), and of B, COLS4 vec4s.
    var av: array<vec4<f32>, ROWS / 4u>;
    for (var i = 0u; i < ROWS / 4u; i++) {
      av[i] = a[k * m4 + min(row / 4u + i, m4 - 1u)];
    }
    var bv: array<vec4<f32>, COLS4>;
    for (var j = 0u; j < COLS4; j++) {
      bv[j] = b[k * n4 + min(col4 + j, n4 - 1u)];
    }
    for (var r = 0u; r < ROWS; r++) {
      let ar = av[r / 4u][r % 4u];
      for (var j = 0u; j < COLS4; j++) {
        acc[r][j] += ar * bv[j];
      }
    }
  }
  store(row, col4, gid.z, acc);
}
