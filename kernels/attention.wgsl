// Causal multi-head self-attention on a fused qkv [rows, 3 * width] activation (q, k, v side by side,
// head h in columns h * head_dim .. (h + 1) * head_dim of each), as GPT-2's c_attn produces it.
// forward keeps the softmax probabilities [batch, heads, seq, seq] for backward; backward_query writes
// the score gradients and dq, backward_key reads them column-wise for dk and dv: no atomics.
// One invocation per (sequence, head, position). Dispatch: 64 invocations per workgroup, x * y
// workgroups covering batch * heads * seq. head_dim is a multiple of 4.

struct Dims {
  batch: u32,
  seq: u32,
  heads: u32,
  head_dim: u32,
  width: u32,
  scale: f32,
  _pad0: u32,
  _pad1: u32,
}

@group(0) @binding(0) var<uniform> dims: Dims;
@group(0) @binding(1) var<storage, read> qkv: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read_write> probs: array<f32>;
@group(0) @binding(3) var<storage, read_write> y: array<vec4<f32>>;
@group(0) @binding(4) var<storage, read> dy: array<vec4<f32>>;
@group(0) @binding(5) var<storage, read_write> dscores: array<f32>;
@group(0) @binding(6) var<storage, read_write> dqkv: array<vec4<f32>>;

struct Site {
  b: u32,
  h: u32,
  t: u32,
  // First element of row t in probs / dscores.
  p: u32,
  valid: bool,
}

fn site(gid: vec3<u32>, nwg: vec3<u32>) -> Site {
  let i = gid.x + gid.y * nwg.x * 64u;
  let t = i % dims.seq;
  let h = (i / dims.seq) % dims.heads;
  let b = i / (dims.seq * dims.heads);
  return Site(b, h, t, i * dims.seq, b < dims.batch);
}

// Index of vec4 number d4 of part (0 q, 1 k, 2 v) of head h at row (b, t) of qkv.
fn qkv_at(b: u32, t: u32, part: u32, h: u32, d4: u32) -> u32 {
  return ((b * dims.seq + t) * 3u * dims.width + part * dims.width + h * dims.head_dim) / 4u + d4;
}

// Index of vec4 number d4 of head h at row (b, t) of a [rows, width] activation.
fn out_at(b: u32, t: u32, h: u32, d4: u32) -> u32 {
  return ((b * dims.seq + t) * dims.width + h * dims.head_dim) / 4u + d4;
}

@compute @workgroup_size(64)
fn forward(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let s = site(gid, nwg);
  if (!s.valid) {
    return;
  }
  let d4s = dims.head_dim / 4u;
  var top = -3.0e38;
  for (var t2 = 0u; t2 <= s.t; t2++) {
    var score = 0.0;
    for (var d4 = 0u; d4 < d4s; d4++) {
      score += dot(qkv[qkv_at(s.b, s.t, 0u, s.h, d4)], qkv[qkv_at(s.b, t2, 1u, s.h, d4)]);
    }
    score *= dims.scale;
    probs[s.p + t2] = score;
    top = max(top, score);
  }
  var total = 0.0;
  for (var t2 = 0u; t2 <= s.t; t2++) {
    let e = exp(probs[s.p + t2] - top);
    probs[s.p + t2] = e;
    total += e;
  }
  let inv = 1.0 / total;
  for (var t2 = 0u; t2 <= s.t; t2++) {
    probs[s.p + t2] *= inv;
  }
  for (var d4 = 0u; d4 < d4s; d4++) {
    var acc = vec4<f32>(0.0);
    for (var t2 = 0u; t2 <= s.t; t2++) {
      acc += probs[s.p + t2] * qkv[qkv_at(s.b, t2, 2u, s.h, d4)];
    }
    y[out_at(s.b, s.t, s.h, d4)] = acc;
  }
}

@compute @workgroup_size(64)
fn backward_query(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let s = site(gid, nwg);
  if (!s.valid) {
    return;
  }
  let d4s = dims.head_dim / 4u;
  // dscores first holds dp = dy . v, then the softmax backward p * (dp - sum(p * dp)).
  var row_dot = 0.0;
  for (var t2 = 0u; t2 <= s.t; t2++) {
    var dp = 0.0;
    for (var d4 = 0u; d4 < d4s; d4++) {
      dp += dot(dy[out_at(s.b, s.t, s.h, d4)], qkv[qkv_at(s.b, t2, 2u, s.h, d4)]);
    }
    dscores[s.p + t2] = dp;
    row_dot += probs[s.p + t2] * dp;
  }
  for (var t2 = 0u; t2 <= s.t; t2++) {
    dscores[s.p + t2] = probs[s.p + t2] * (dscores[s.p + t2] - row_dot);
  }
  for (var d4 = 0u; d4 < d4s; d4++) {
    var acc = vec4<f32>(0.0);
    for (var t2 = 0u; t2 <= s.t; t2++) {
      acc += dscores[s.p + t2] * qkv[qkv_at(s.b, t2, 1u, s.h, d4)];
    }
    dqkv[qkv_at(s.b, s.t, 0u, s.h, d4)] = acc * dims.scale;
  }
}

@compute @workgroup_size(64)
fn backward_key(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let s = site(gid, nwg);
  if (!s.valid) {
    return;
  }
  let d4s = dims.head_dim / 4u;
  // Here s.t is the key position; query rows t >= s.t attend to it.
  let head_base = (s.b * dims.heads + s.h) * dims.seq * dims.seq;
  for (var d4 = 0u; d4 < d4s; d4++) {
    var dk = vec4<f32>(0.0);
    var dv = vec4<f32>(0.0);
    for (var t = s.t; t < dims.seq; t++) {
      let at = head_base + t * dims.seq + s.t;
      dk += dscores[at] * qkv[qkv_at(s.b, t, 0u, s.h, d4)];
      dv += probs[at] * dy[out_at(s.b, t, s.h, d4)];
    }
    dqkv[qkv_at(s.b, s.t, 1u, s.h, d4)] = dk * dims.scale;
    dqkv[qkv_at(s.b, s.t, 2u, s.h, d4)] = dv;
  }
}
