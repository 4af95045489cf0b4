// Causal multi-head self-attention on a fused qkv [rows, 3 * width] activation (q, k, v side by side,
// head h in columns h * head_dim .. (h + 1) * head_dim of each), as GPT-2's c_attn produces it.
//
// Written as small matrix products per (sequence, head), each invocation computing a block in registers
// (16 queries x 8 keys of scores, 16 positions x 16 columns of mix; as matmul_block.wgsl: many
// multiply-adds per load), plus row-wise softmax passes:
//   forward:  scores  S = q k^T * scale           -> probs        (blocks above the diagonal skipped)
//             softmax P = softmax(S), causal        -> probs        (zeros above the diagonal)
//             mix     y = P v                       -> y
//   backward: scores  dP = dy v^T                   -> dscores
//             softmax_backward dS = P (dP - rowsum(P dP)) -> dscores (zeros above the diagonal)
//             mix     dq = dS k * scale             -> dqkv (q part)
//             mix_transposed dk = dS^T q * scale, dv = P^T dy -> dqkv (k and v parts)
// Which operands and outputs a pass uses is chosen by the host's bindings and the uniform's row layouts,
// not by branches in the kernels: llvmpipe runs both sides of a branch, and a storage load or store on
// the inactive side still loops over its lanes.
// Score rows are `stride` floats apart (seq rounded up to a multiple of 4, the padding zero after the
// softmax passes), so that every kernel reads and writes them as aligned vec4s: llvmpipe loads or stores
// a storage vec4 in about the time of two floats (`deno task bench:loads`).
// No atomics: every output element is written by exactly one invocation.
// Dispatch: block kernels 8x8 invocations per workgroup, z over batch * heads; scores x over key blocks
// / 8, y over query blocks / 8; mix x over position blocks / 8, y over column blocks / 8; softmax kernels
// 64 per workgroup, x * y workgroups covering batch * heads * seq.

struct Dims {
  batch: u32,
  seq: u32,
  heads: u32,
  head_dim: u32,
  width: u32,
  // Multiplies every output of a block kernel (1 where a pass has no scale).
  scale: f32,
  // Where head h's row t of sequence b starts in a row operand, in vec4s: (b * seq + t) * stride4 +
  // offset4 + h * head_dim / 4 (q, k, v: stride 3 width / 4, offset part * width / 4; dy, y: width / 4,
  // 0), as (stride4, offset4) of x, z and out (plain fields: a struct in a uniform is 16-byte aligned).
  x_rows: vec2<u32>,
  z_rows: vec2<u32>,
  out_rows: vec2<u32>,
  // Floats from one score row to the next: seq rounded up to a multiple of 4.
  stride: u32,
}

@group(0) @binding(0) var<uniform> dims: Dims;
// scores: the left operand (q forward, dy backward).
@group(0) @binding(1) var<storage, read> x: array<vec4<f32>>;
// [batch, heads, seq, stride] as vec4s: written by scores (probs forward, dP backward) and the softmax
// passes (probs); the weights (probs or dS) of mix and mix_transposed.
@group(0) @binding(3) var<storage, read_write> probs4: array<vec4<f32>>;
// scores: the right operand (k forward, v backward); mix and mix_transposed: the mixed rows.
@group(0) @binding(4) var<storage, read> z: array<vec4<f32>>;
// softmax_backward: dP on entry, dS on exit, as vec4s.
@group(0) @binding(5) var<storage, read_write> dscores4: array<vec4<f32>>;
// mix and mix_transposed: the output rows (y, or a part of dqkv).
@group(0) @binding(6) var<storage, read_write> out: array<vec4<f32>>;

const BLOCK: u32 = 8u;

// vec4 number d4 of head h at position t of sequence b, in a layout.
fn row_at(rows: vec2<u32>, b: u32, t: u32, h: u32, d4: u32) -> u32 {
  return (b * dims.seq + t) * rows.x + rows.y + h * dims.head_dim / 4u + d4;
}

// Index of the vec4 of [t, 4 s4 .. 4 s4 + 3] of head (b, h) in probs4 / dscores4.
fn score4_at(bh: u32, t: u32, s4: u32) -> u32 {
  return (bh * dims.seq + t) * (dims.stride / 4u) + s4;
}

// Lanes of the vec4 at s4 that are on or below the diagonal of row t.
fn causal(t: u32, s4: u32) -> vec4<bool> {
  return 4u * s4 + vec4<u32>(0u, 1u, 2u, 3u) <= vec4<u32>(t);
}

// Query rows of a scores block; its key columns are BLOCK.
const SCORE_ROWS: u32 = 16u;

// S[t, s] = scale * sum_d X[t, d] Z[s, d] for 16 query rows x 8 key columns; (X, Z) = (q, k) forward,
// (dy, v) backward. Rows are stored as whole vec4s: the scores above the diagonal this writes, and the
// rows' padding, are masked out and zeroed by the softmax passes.
@compute @workgroup_size(8, 8)
fn scores(@builtin(global_invocation_id) gid: vec3<u32>) {
  let s0 = gid.x * BLOCK;
  let t0 = gid.y * SCORE_ROWS;
  let bh = gid.z;
  let b = bh / dims.heads;
  let h = bh % dims.heads;
  if (s0 >= dims.seq || t0 >= dims.seq || s0 > t0 + SCORE_ROWS - 1u) {
    return;
  }
  let last = dims.seq - 1u;
  var acc: array<array<vec4<f32>, 2>, SCORE_ROWS>;
  for (var d4 = 0u; d4 < dims.head_dim / 4u; d4++) {
    var kv: array<vec4<f32>, BLOCK>;
    for (var j = 0u; j < BLOCK; j++) {
      kv[j] = z[row_at(dims.z_rows, b, min(s0 + j, last), h, d4)];
    }
    for (var i = 0u; i < SCORE_ROWS; i++) {
      let qv = x[row_at(dims.x_rows, b, min(t0 + i, last), h, d4)];
      for (var j = 0u; j < 2u; j++) {
        acc[i][j] += vec4<f32>(
          dot(qv, kv[4u * j]),
          dot(qv, kv[4u * j + 1u]),
          dot(qv, kv[4u * j + 2u]),
          dot(qv, kv[4u * j + 3u]),
        );
      }
    }
  }
  for (var i = 0u; i < SCORE_ROWS; i++) {
    for (var j = 0u; j < 2u; j++) {
      if (t0 + i < dims.seq && s0 + 4u * j < dims.stride) {
        probs4[score4_at(bh, t0 + i, s0 / 4u + j)] = acc[i][j] * dims.scale;
      }
    }
  }
}

fn row_site(gid: vec3<u32>, nwg: vec3<u32>) -> vec2<u32> {
  let i = gid.x + gid.y * nwg.x * 64u;
  return vec2<u32>(i / dims.seq, i % dims.seq);
}

// probs[t, :] = softmax of the causal scores, zero above the diagonal.
@compute @workgroup_size(64)
fn softmax(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let site = row_site(gid, nwg);
  let bh = site.x;
  let t = site.y;
  if (bh >= dims.batch * dims.heads) {
    return;
  }
  let row = score4_at(bh, t, 0u);
  let last4 = t / 4u;
  var top = -3.0e38;
  for (var s4 = 0u; s4 <= last4; s4++) {
    let v = select(vec4<f32>(-3.0e38), probs4[row + s4], causal(t, s4));
    top = max(top, max(max(v.x, v.y), max(v.z, v.w)));
  }
  var total = 0.0;
  for (var s4 = 0u; s4 <= last4; s4++) {
    let e = select(vec4<f32>(0.0), exp(probs4[row + s4] - top), causal(t, s4));
    probs4[row + s4] = e;
    // One lane at a time, in order: the same sum, rounding by rounding, as adding the scores one by one
    // (written as one expression, `total + e.x + e.y + ...`, the compiler regrouped it on llvmpipe).
    total += e.x;
    total += e.y;
    total += e.z;
    total += e.w;
  }
  let inv = 1.0 / total;
  for (var s4 = 0u; s4 <= last4; s4++) {
    probs4[row + s4] *= inv;
  }
  for (var s4 = last4 + 1u; s4 < dims.stride / 4u; s4++) {
    probs4[row + s4] = vec4<f32>(0.0);
  }
}

// dscores[t, :] = P (dP - sum(P dP)) from dP in dscores, zero above the diagonal.
@compute @workgroup_size(64)
fn softmax_backward(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let site = row_site(gid, nwg);
  let bh = site.x;
  let t = site.y;
  if (bh >= dims.batch * dims.heads) {
    return;
  }
  let row = score4_at(bh, t, 0u);
  let last4 = t / 4u;
  var row_dot = 0.0;
  for (var s4 = 0u; s4 <= last4; s4++) {
    let p = probs4[row + s4];
    let dp = select(vec4<f32>(0.0), dscores4[row + s4], causal(t, s4));
    row_dot += p.x * dp.x;
    row_dot += p.y * dp.y;
    row_dot += p.z * dp.z;
    row_dot += p.w * dp.w;
  }
  for (var s4 = 0u; s4 <= last4; s4++) {
    let ds = probs4[row + s4] * (dscores4[row + s4] - row_dot);
    dscores4[row + s4] = select(vec4<f32>(0.0), ds, causal(t, s4));
  }
  for (var s4 = last4 + 1u; s4 < dims.stride / 4u; s4++) {
    dscores4[row + s4] = vec4<f32>(0.0);
  }
}

// Positions and columns (in vec4s) of a mix block: each loaded weight feeds 16 multiply-adds, each loaded
// vec4 of Z 16 (8 positions x 8 columns fed 8 and 8).
const MIX_ROWS: u32 = 16u;
const MIX_COLS4: u32 = 4u;

alias MixBlock = array<array<vec4<f32>, MIX_COLS4>, MIX_ROWS>;

// The MIX_COLS4 vec4s of Z's row at position p of head (b, h) from column c4 on (clamped to the head).
fn z_row(b: u32, p: u32, h: u32, c4: u32) -> array<vec4<f32>, MIX_COLS4> {
  let d4s = dims.head_dim / 4u;
  var row: array<vec4<f32>, MIX_COLS4>;
  for (var j = 0u; j < MIX_COLS4; j++) {
    row[j] = z[row_at(dims.z_rows, b, p, h, min(c4 + j, d4s - 1u))];
  }
  return row;
}

// Stores a mix block, scaled: positions p0.. of head (b, h), columns c4.., inside the sequence and head.
fn store_mix(b: u32, h: u32, p0: u32, c4: u32, acc: MixBlock) {
  for (var i = 0u; i < MIX_ROWS; i++) {
    for (var j = 0u; j < MIX_COLS4; j++) {
      if (p0 + i < dims.seq && c4 + j < dims.head_dim / 4u) {
        out[row_at(dims.out_rows, b, p0 + i, h, c4 + j)] = acc[i][j] * dims.scale;
      }
    }
  }
}

// OUT[t, :] = scale * sum_{s <= t} W[t, s] Z[s, :] for a block of positions x columns: y = P v forward,
// dq = dS k * scale backward. Needs the weights zero above the diagonal (the softmax passes write them).
// Lanes run over position blocks, whose causal loops differ in length: a lane whose loop has ended loads
// nothing.
@compute @workgroup_size(8, 8)
fn mix(@builtin(global_invocation_id) gid: vec3<u32>) {
  let t0 = gid.x * MIX_ROWS;
  let c4 = gid.y * MIX_COLS4;
  let bh = gid.z;
  let b = bh / dims.heads;
  let h = bh % dims.heads;
  if (c4 >= dims.head_dim / 4u || t0 >= dims.seq) {
    return;
  }
  let last = dims.seq - 1u;
  var acc: MixBlock;
  // Four key positions at a time, their weights one vec4 per row; weights past a row's diagonal or its
  // end (zero) add exact zeros.
  for (var s4 = 0u; s4 <= min(t0 + MIX_ROWS - 1u, last) / 4u; s4++) {
    var w: array<vec4<f32>, MIX_ROWS>;
    for (var i = 0u; i < MIX_ROWS; i++) {
      w[i] = probs4[score4_at(bh, min(t0 + i, last), s4)];
    }
    for (var c = 0u; c < 4u; c++) {
      let zs = z_row(b, min(4u * s4 + c, last), h, c4);
      for (var i = 0u; i < MIX_ROWS; i++) {
        for (var j = 0u; j < MIX_COLS4; j++) {
          acc[i][j] += w[i][c] * zs[j];
        }
      }
    }
  }
  store_mix(b, h, t0, c4, acc);
}

// OUT[s, :] = scale * sum_{t >= s} W[t, s] Z[t, :] for a block of key positions x columns: dk = dS^T q *
// scale, dv = P^T dy. Lanes run over key-position blocks, as in mix.
@compute @workgroup_size(8, 8)
fn mix_transposed(@builtin(global_invocation_id) gid: vec3<u32>) {
  let s0 = gid.x * MIX_ROWS;
  let c4 = gid.y * MIX_COLS4;
  let bh = gid.z;
  let b = bh / dims.heads;
  let h = bh % dims.heads;
  if (c4 >= dims.head_dim / 4u || s0 >= dims.seq) {
    return;
  }
  let last4 = dims.stride / 4u - 1u;
  var acc: MixBlock;
  for (var t = s0; t < dims.seq; t++) {
    let zt = z_row(b, t, h, c4);
    // The weights of key positions s0 .. s0 + 15 (those past the row's end feed outputs never stored).
    var w: array<vec4<f32>, MIX_ROWS / 4u>;
    for (var k = 0u; k < MIX_ROWS / 4u; k++) {
      w[k] = probs4[score4_at(bh, t, min(s0 / 4u + k, last4))];
    }
    for (var i = 0u; i < MIX_ROWS; i++) {
      for (var j = 0u; j < MIX_COLS4; j++) {
        acc[i][j] += w[i / 4u][i % 4u] * zt[j];
      }
    }
  }
  store_mix(b, h, s0, c4, acc);
}
