// Shared-memory tiled matrix product: a workgroup of 16x16 invocations computes a 64x64 output tile,
// staging 64x4 slices of A and B in workgroup memory (one element per invocation); each invocation
// accumulates a 4x4 block. The faster variant on real GPUs.
//
// C[M, N] = A'[M, K] B'[K, N] (+ bias[N] when has_bias != 0), row-major, any M, N, K (tile edges are
// zero-padded). The operands' layouts are strides in the uniform: A'[m, k] = a[m * a_row + k * a_k],
// B'[k, n] = b[k * b_k + n * b_col], which covers nn, nt and tn of matmul_block.wgsl in one entry point.
// (One entry point, a shallow slice and no branches in the loads: llvmpipe, where the tests run, takes
// 20 s to compile a loop around barriers that holds more.)
// Dispatch: x over ceil(N / 64), y over ceil(M / 64).

struct Dims {
  m: u32,
  n: u32,
  k: u32,
  has_bias: u32,
  a_row: u32,
  a_k: u32,
  b_k: u32,
  b_col: u32,
}

@group(0) @binding(0) var<uniform> dims: Dims;
@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read> b: array<f32>;
@group(0) @binding(3) var<storage, read> bias: array<f32>;
@group(0) @binding(4) var<storage, read_write> c: array<f32>;

const TILE: u32 = 64u;
const DEPTH: u32 = 4u;

// Slices stored depth-major: tile_a[kk * TILE + row], tile_b[kk * TILE + col].
var<workgroup> tile_a: array<f32, 256>;
var<workgroup> tile_b: array<f32, 256>;

@compute @workgroup_size(16, 16)
fn main(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>) {
  let row0 = wid.y * TILE;
  let col0 = wid.x * TILE;
  let tid = lid.y * 16u + lid.x;
  let last_a = dims.m * dims.k - 1u;
  let last_b = dims.k * dims.n - 1u;
  var acc0 = vec4<f32>(0.0);
  var acc1 = vec4<f32>(0.0);
  var acc2 = vec4<f32>(0.0);
  var acc3 = vec4<f32>(0.0);
  for (var k0 = 0u; k0 < dims.k; k0 += DEPTH) {
    let ar = tid / DEPTH;
    let ak = tid % DEPTH;
    let a_row = row0 + ar;
    let a_k = k0 + ak;
    let a_value = a[min(a_row * dims.a_row + a_k * dims.a_k, last_a)];
    tile_a[ak * TILE + ar] = select(0.0, a_value, a_row < dims.m && a_k < dims.k);
    let bk = tid / TILE;
    let bc = tid % TILE;
    let b_col = col0 + bc;
    let b_k = k0 + bk;
    let b_value = b[min(b_k * dims.b_k + b_col * dims.b_col, last_b)];
    tile_b[bk * TILE + bc] = select(0.0, b_value, b_col < dims.n && b_k < dims.k);
    workgroupBarrier();
    for (var kk = 0u; kk < DEPTH; kk++) {
      let ra = kk * TILE + lid.y * 4u;
      let rb = kk * TILE + lid.x * 4u;
      let bv = vec4<f32>(tile_b[rb], tile_b[rb + 1u], tile_b[rb + 2u], tile_b[rb + 3u]);
      acc0 += tile_a[ra] * bv;
      acc1 += tile_a[ra + 1u] * bv;
      acc2 += tile_a[ra + 2u] * bv;
      acc3 += tile_a[ra + 3u] * bv;
    }
    workgroupBarrier();
  }
  let row = row0 + lid.y * 4u;
  let col = col0 + lid.x * 4u;
  store(row, col, acc0);
  store(row + 1u, col, acc1);
  store(row + 2u, col, acc2);
  store(row + 3u, col, acc3);
}

fn store(row: u32, col: u32, acc: vec4<f32>) {
  if (row >= dims.m) {
    return;
  }
  for (var j = 0u; j < 4u; j++) {
    if (col + j < dims.n) {
      var value = acc[j];
      if (dims.has_bias != 0u) {
        value += bias[col + j];
      }
      c[row * dims.n + col + j] = value;
    }
  }
}
