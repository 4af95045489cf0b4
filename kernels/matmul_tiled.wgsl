// Register-tiled, vectorised matrix product for real GPUs: a workgroup of 16x16 invocations computes a
// 128x128 output tile, staging 128x8 slices of A' and 8x128 slices of B' in workgroup memory (one vec4
// load from storage per invocation and operand), and each invocation accumulates an 8x8 block in
// registers from vec4 reads of the slices (16 multiply-adds per float read from workgroup memory).
// Not measured on a GPU (no GPU was lent while writing it); the tests force it on llvmpipe for correctness.
//
// C[M, N] = A'[M, K] B'[K, N] (+ bias[N] when has_bias != 0) (+ residual[M, N] when has_residual != 0,
// added last), and activated = gelu(C) when has_gelu != 0, row-major, M, N and K multiples of 4, stored
// as in matmul_block.wgsl:
//   nn: A stored [M, K], B stored [K, N];  nt: A [M, K], B [N, K];  tn: A [K, M], B [K, N].
// Tile edges past M, N or K read zeros and skip their stores.
// Dispatch: x over ceil(N / 128), y over ceil(M / 128).

struct Dims {
  m: u32,
  n: u32,
  k: u32,
  has_bias: u32,
  has_residual: u32,
  has_gelu: u32,
  _pad0: u32,
  _pad1: u32,
}

@group(0) @binding(0) var<uniform> dims: Dims;
@group(0) @binding(1) var<storage, read> a: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read> b: array<vec4<f32>>;
@group(0) @binding(3) var<storage, read> bias: array<vec4<f32>>;
@group(0) @binding(4) var<storage, read_write> c: array<vec4<f32>>;
@group(0) @binding(6) var<storage, read> residual: array<vec4<f32>>;
@group(0) @binding(7) var<storage, read_write> activated: array<vec4<f32>>;

// #include gelu_fn

const TILE: u32 = 128u;
const DEPTH: u32 = 8u;
// vec4s per row of a slice.
const TILE4: u32 = 32u;

// Slices stored depth-major: tile_a[kk][row / 4], tile_b[kk][col / 4].
var<workgroup> tile_a: array<array<vec4<f32>, TILE4>, DEPTH>;
var<workgroup> tile_b: array<array<vec4<f32>, TILE4>, DEPTH>;

// vec4 number i of a storage operand, zero past its end (a tile edge).
fn load_a(i: u32, inside: bool) -> vec4<f32> {
  return select(vec4<f32>(0.0), a[min(i, arrayLength(&a) - 1u)], inside);
}

fn load_b(i: u32, inside: bool) -> vec4<f32> {
  return select(vec4<f32>(0.0), b[min(i, arrayLength(&b) - 1u)], inside);
}

// The slice depth invocation tid stages: along k, k0 + kk..kk+3 of line tid / 2 (kk = 0 or 4); else
// vec4 tid % 32 of slice depth tid / 32.
fn depth(tid: u32, along_k: bool) -> u32 {
  return select(tid / TILE4, (tid % 2u) * 4u, along_k);
}

// Where invocation tid's vec4 of slice k0 of an operand is in storage, and whether it is inside the
// operand: lines (rows of A', columns of B') start.. of `extent`; stored along k ([extent, K]) or across
// ([K, extent]).
fn source(tid: u32, start: u32, extent: u32, k0: u32, along_k: bool) -> vec2<u32> {
  let k = k0 + depth(tid, along_k);
  if (along_k) {
    let line = start + tid / 2u;
    return vec2<u32>(line * (dims.k / 4u) + k / 4u, u32(line < extent && k < dims.k));
  }
  let v4 = tid % TILE4;
  return vec2<u32>(k * (extent / 4u) + start / 4u + v4, u32(start + 4u * v4 < extent && k < dims.k));
}

// Stages slice k0 of A' (rows row0..) and B' (columns col0..). `a_along_k`: A is stored [M, K] (nn, nt),
// else [K, M] (tn); `b_along_k`: B is stored [N, K] (nt), else [K, N]. A vec4 loaded along k goes one
// float into each of four depths (a column of the slice); across k, it is vec4 tid % 32 of its depth. (The
// two slices are written by two copies of the same lines: wgpu's shader compiler, Naga, refuses workgroup
// pointers as function arguments.)
fn stage(tid: u32, row0: u32, col0: u32, k0: u32, a_along_k: bool, b_along_k: bool) {
  let line = tid / 2u;
  let at = source(tid, row0, dims.m, k0, a_along_k);
  let va = load_a(at.x, at.y != 0u);
  let ka = depth(tid, a_along_k);
  if (a_along_k) {
    for (var i = 0u; i < 4u; i++) {
      tile_a[ka + i][line / 4u][line % 4u] = va[i];
    }
  } else {
    tile_a[ka][tid % TILE4] = va;
  }
  let bt = source(tid, col0, dims.n, k0, b_along_k);
  let vb = load_b(bt.x, bt.y != 0u);
  let kb = depth(tid, b_along_k);
  if (b_along_k) {
    for (var i = 0u; i < 4u; i++) {
      tile_b[kb + i][line / 4u][line % 4u] = vb[i];
    }
  } else {
    tile_b[kb][tid % TILE4] = vb;
  }
}

// The 8x8 block of invocation (lid.x, lid.y): rows row0 + 8 lid.y.., columns col0 + 8 lid.x...
fn product(lid: vec3<u32>, wid: vec3<u32>, a_along_k: bool, b_along_k: bool) {
  let row0 = wid.y * TILE;
  let col0 = wid.x * TILE;
  let tid = lid.y * 16u + lid.x;
  var acc: array<array<vec4<f32>, 2>, 8>;
  for (var k0 = 0u; k0 < dims.k; k0 += DEPTH) {
    stage(tid, row0, col0, k0, a_along_k, b_along_k);
    workgroupBarrier();
    for (var kk = 0u; kk < DEPTH; kk++) {
      let a0 = tile_a[kk][2u * lid.y];
      let a1 = tile_a[kk][2u * lid.y + 1u];
      let b0 = tile_b[kk][2u * lid.x];
      let b1 = tile_b[kk][2u * lid.x + 1u];
      for (var i = 0u; i < 4u; i++) {
        acc[i][0] += a0[i] * b0;
        acc[i][1] += a0[i] * b1;
        acc[i + 4u][0] += a1[i] * b0;
        acc[i + 4u][1] += a1[i] * b1;
      }
    }
    workgroupBarrier();
  }
  store(row0 + 8u * lid.y, (col0 + 8u * lid.x) / 4u, acc);
}

fn store(row: u32, col4: u32, acc: array<array<vec4<f32>, 2>, 8>) {
  let n4 = dims.n / 4u;
  for (var j = 0u; j < 2u; j++) {
    if (col4 + j < n4) {
      var add = vec4<f32>(0.0);
      if (dims.has_bias != 0u) {
        add = bias[col4 + j];
      }
      for (var r = 0u; r < 8u; r++) {
        if (row + r < dims.m) {
          let i = (row + r) * n4 + col4 + j;
          var sum = acc[r][j] + add;
          if (dims.has_residual != 0u) {
            sum = residual[i] + sum;
          }
          c[i] = sum;
          if (dims.has_gelu != 0u) {
            activated[i] = gelu(sum);
          }
        }
      }
    }
  }
}

@compute @workgroup_size(16, 16)
fn nn(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>) {
  product(lid, wid, true, false);
}

@compute @workgroup_size(16, 16)
fn nt(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>) {
  product(lid, wid, true, true);
}

@compute @workgroup_size(16, 16)
fn tn(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>) {
  product(lid, wid, false, false);
}
