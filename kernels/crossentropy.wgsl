// Softmax + cross-entropy over the first `vocab` columns of logits [padded_rows, padded_vocab], with the
// backward fused in: the logits are overwritten by d(mean loss)/d(logits) = (softmax - onehot) / rows.
// Rows >= rows (padding) and columns >= vocab get a zero gradient and a zero loss.
// forward_backward: one invocation per row (64 per workgroup, x * y workgroups).
// loss_mean: one workgroup of 64 sums the row losses in a fixed order: result[0] = mean loss.

struct Dims {
  rows: u32,
  padded_rows: u32,
  vocab: u32,
  padded_vocab: u32,
}

@group(0) @binding(0) var<uniform> dims: Dims;
@group(0) @binding(1) var<storage, read_write> logits: array<f32>;
@group(0) @binding(2) var<storage, read> targets: array<u32>;
@group(0) @binding(3) var<storage, read_write> losses: array<f32>;
@group(0) @binding(4) var<storage, read_write> result: array<f32>;

var<workgroup> partial: array<f32, 64>;

@compute @workgroup_size(64)
fn forward_backward(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let row = gid.x + gid.y * nwg.x * 64u;
  if (row >= dims.padded_rows) {
    return;
  }
  let base = row * dims.padded_vocab;
  if (row >= dims.rows) {
    for (var c = 0u; c < dims.padded_vocab; c++) {
      logits[base + c] = 0.0;
    }
    losses[row] = 0.0;
    return;
  }
  var top = -3.0e38;
  for (var c = 0u; c < dims.vocab; c++) {
    top = max(top, logits[base + c]);
  }
  var total = 0.0;
  for (var c = 0u; c < dims.vocab; c++) {
    total += exp(logits[base + c] - top);
  }
  let lse = top + log(total);
  let label = targets[row];
  losses[row] = lse - logits[base + label];
  let scale = 1.0 / f32(dims.rows);
  for (var c = 0u; c < dims.vocab; c++) {
    var p = exp(logits[base + c] - lse);
    if (c == label) {
      p -= 1.0;
    }
    logits[base + c] = p * scale;
  }
  for (var c = dims.vocab; c < dims.padded_vocab; c++) {
    logits[base + c] = 0.0;
  }
}

@compute @workgroup_size(64)
fn loss_mean(@builtin(local_invocation_id) lid: vec3<u32>) {
  var sum = 0.0;
  for (var row = lid.x; row < dims.rows; row += 64u) {
    sum += losses[row];
  }
  partial[lid.x] = sum;
  workgroupBarrier();
  for (var stride = 32u; stride > 0u; stride /= 2u) {
    if (lid.x < stride) {
      partial[lid.x] += partial[lid.x + stride];
    }
    workgroupBarrier();
  }
  if (lid.x == 0u) {
    result[0] = partial[0] / f32(dims.rows);
  }
}
