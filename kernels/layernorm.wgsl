// LayerNorm over the last dimension (eps 1e-5), one invocation per row (or per column for the
// parameter gradients). `stats` keeps each row's mean and reciprocal standard deviation for backward.
// Dispatch (all entry points): 64 invocations per workgroup, x * y workgroups covering the rows
// (forward, backward_input) or the columns (backward_params).

struct Dims {
  rows: u32,
  width: u32,
  _pad0: u32,
  _pad1: u32,
}

@group(0) @binding(0) var<uniform> dims: Dims;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> weight: array<f32>;
@group(0) @binding(3) var<storage, read> bias: array<f32>;
@group(0) @binding(4) var<storage, read_write> y: array<f32>;
// [rows, 2]: mean, 1 / sqrt(var + eps).
@group(0) @binding(5) var<storage, read_write> stats: array<f32>;
@group(0) @binding(6) var<storage, read> dy: array<f32>;
// Accumulated into: dx += d LayerNorm / d x.
@group(0) @binding(7) var<storage, read_write> dx: array<f32>;
@group(0) @binding(8) var<storage, read_write> dweight: array<f32>;
@group(0) @binding(9) var<storage, read_write> dbias: array<f32>;

const EPS: f32 = 1e-5;

fn index(gid: vec3<u32>, nwg: vec3<u32>) -> u32 {
  return gid.x + gid.y * nwg.x * 64u;
}

@compute @workgroup_size(64)
fn forward(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let row = index(gid, nwg);
  if (row >= dims.rows) {
    return;
  }
  let base = row * dims.width;
  var sum = 0.0;
  for (var c = 0u; c < dims.width; c++) {
    sum += x[base + c];
  }
  let mean = sum / f32(dims.width);
  var squares = 0.0;
  for (var c = 0u; c < dims.width; c++) {
    let d = x[base + c] - mean;
    squares += d * d;
  }
  let rstd = 1.0 / sqrt(squares / f32(dims.width) + EPS);
  for (var c = 0u; c < dims.width; c++) {
    y[base + c] = (x[base + c] - mean) * rstd * weight[c] + bias[c];
  }
  stats[2u * row] = mean;
  stats[2u * row + 1u] = rstd;
}

@compute @workgroup_size(64)
fn backward_input(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let row = index(gid, nwg);
  if (row >= dims.rows) {
    return;
  }
  let base = row * dims.width;
  let mean = stats[2u * row];
  let rstd = stats[2u * row + 1u];
  var mean_g = 0.0;
  var mean_gx = 0.0;
  for (var c = 0u; c < dims.width; c++) {
    let g = dy[base + c] * weight[c];
    mean_g += g;
    mean_gx += g * (x[base + c] - mean) * rstd;
  }
  mean_g /= f32(dims.width);
  mean_gx /= f32(dims.width);
  for (var c = 0u; c < dims.width; c++) {
    let g = dy[base + c] * weight[c];
    let xhat = (x[base + c] - mean) * rstd;
    dx[base + c] += rstd * (g - mean_g - xhat * mean_gx);
  }
}

@compute @workgroup_size(64)
fn backward_params(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let c = index(gid, nwg);
  if (c >= dims.width) {
    return;
  }
  var dw = 0.0;
  var db = 0.0;
  for (var row = 0u; row < dims.rows; row++) {
    let g = dy[row * dims.width + c];
    dw += g * (x[row * dims.width + c] - stats[2u * row]) * stats[2u * row + 1u];
    db += g;
  }
  dweight[c] = dw;
  dbias[c] = db;
}
