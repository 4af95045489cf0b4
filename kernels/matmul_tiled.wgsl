// Shared-memory tiled matrix product: a workgroup of 16x16 invocations computes a 64x64 output tile,
// staging 64x16 tiles of A and B in workgroup memory; each invocation accumulates a 4x4 block. The faster
// variant on real GPUs.
//
// C[M, N] = A'[M, K] B'[K, N] (+ bias[N] when has_bias != 0), row-major; the layouts are chosen by the
// TRANS_A / TRANS_B override constants: A stored [M, K] or, transposed, [K, M]; B stored [K, N] or,
// transposed, [N, K]. Any M, N, K (edges are zero-padded in the tiles).
// Dispatch: x over ceil(N / 64), y over ceil(M / 64).

override TRANS_A: bool = false;
override TRANS_B: bool = false;

struct Dims {
  m: u32,
  n: u32,
  k: u32,
  has_bias: u32,
}

@group(0) @binding(0) var<uniform> dims: Dims;
@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read> b: array<f32>;
@group(0) @binding(3) var<storage, read> bias: array<f32>;
@group(0) @binding(4) var<storage, read_write> c: array<f32>;

const TILE: u32 = 64u;
const DEPTH: u32 = 16u;

// Tiles stored depth-major: tile_a[kk * TILE + row], tile_b[kk * TILE + col].
var<workgroup> tile_a: array<f32, 1024>;
var<workgroup> tile_b: array<f32, 1024>;

fn load_a(row: u32, k: u32) -> f32 {
  if (row >= dims.m || k >= dims.k) {
    return 0.0;
  }
  if (TRANS_A) {
    return a[k * dims.m + row];
  }
  return a[row * dims.k + k];
}

fn load_b(k: u32, col: u32) -> f32 {
  if (k >= dims.k || col >= dims.n) {
    return 0.0;
  }
  if (TRANS_B) {
    return b[col * dims.k + k];
  }
  return b[k * dims.n + col];
}

@compute @workgroup_size(16, 16)
fn main(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>) {
  let row0 = wid.y * TILE;
  let col0 = wid.x * TILE;
  let tid = lid.y * 16u + lid.x;
  var acc: array<f32, 16>;
  for (var i = 0u; i < 16u; i++) {
    acc[i] = 0.0;
  }
  for (var k0 = 0u; k0 < dims.k; k0 += DEPTH) {
    for (var i = 0u; i < 4u; i++) {
      let e = tid + i * 256u;
      // Consecutive invocations read consecutive addresses of the stored layout.
      if (TRANS_A) {
        tile_a[(e / TILE) * TILE + e % TILE] = load_a(row0 + e % TILE, k0 + e / TILE);
      } else {
        tile_a[(e % DEPTH) * TILE + e / DEPTH] = load_a(row0 + e / DEPTH, k0 + e % DEPTH);
      }
      if (TRANS_B) {
        tile_b[(e % DEPTH) * TILE + e / DEPTH] = load_b(k0 + e % DEPTH, col0 + e / DEPTH);
      } else {
        tile_b[(e / TILE) * TILE + e % TILE] = load_b(k0 + e / TILE, col0 + e % TILE);
      }
    }
    workgroupBarrier();
    for (var kk = 0u; kk < DEPTH; kk++) {
      let av = vec4<f32>(
        tile_a[kk * TILE + lid.y * 4u],
        tile_a[kk * TILE + lid.y * 4u + 1u],
        tile_a[kk * TILE + lid.y * 4u + 2u],
        tile_a[kk * TILE + lid.y * 4u + 3u],
      );
      let bv = vec4<f32>(
        tile_b[kk * TILE + lid.x * 4u],
        tile_b[kk * TILE + lid.x * 4u + 1u],
        tile_b[kk * TILE + lid.x * 4u + 2u],
        tile_b[kk * TILE + lid.x * 4u + 3u],
      );
      for (var i = 0u; i < 4u; i++) {
        for (var j = 0u; j < 4u; j++) {
          acc[i * 4u + j] += av[i] * bv[j];
        }
      }
    }
    workgroupBarrier();
  }
  for (var i = 0u; i < 4u; i++) {
    let row = row0 + lid.y * 4u + i;
    for (var j = 0u; j < 4u; j++) {
      let col = col0 + lid.x * 4u + j;
      if (row < dims.m && col < dims.n) {
        var value = acc[i * 4u + j];
        if (dims.has_bias != 0u) {
          value += bias[col];
        }
        c[row * dims.n + col] = value;
      }
    }
  }
}
