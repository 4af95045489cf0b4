// LayerNorm over the last dimension (a multiple of 4; eps 1e-5), one invocation per row (or per 4
// columns for the parameter gradients). `stats` keeps each row's mean and reciprocal standard deviation
// for backward. Loads are vec4s (on llvmpipe each storage load loops over the lanes, so one vec4 load
// costs far less than four scalar ones), but every sum still adds one element at a time in column order.
// Dispatch (all entry points): 64 invocations per workgroup, x * y workgroups covering the rows
// (forward, backward_input) or width / 4 (backward_params).

struct Dims {
  rows: u32,
  width: u32,
  _pad0: u32,
  _pad1: u32,
}

@group(0) @binding(0) var<uniform> dims: Dims;
@group(0) @binding(1) var<storage, read> x: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read> weight: array<vec4<f32>>;
@group(0) @binding(3) var<storage, read> bias: array<vec4<f32>>;
@group(0) @binding(4) var<storage, read_write> y: array<vec4<f32>>;
// [rows, 2]: mean, 1 / sqrt(var + eps).
@group(0) @binding(5) var<storage, read_write> stats: array<f32>;
@group(0) @binding(6) var<storage, read> dy: array<vec4<f32>>;
// Accumulated into: dx += d LayerNorm / d x.
@group(0) @binding(7) var<storage, read_write> dx: array<vec4<f32>>;
@group(0) @binding(8) var<storage, read_write> dweight: array<vec4<f32>>;
@group(0) @binding(9) var<storage, read_write> dbias: array<vec4<f32>>;

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
  let width4 = dims.width / 4u;
  let base = row * width4;
  var sum = 0.0;
  for (var c = 0u; c < width4; c++) {
    let v = x[base + c];
    for (var i = 0u; i < 4u; i++) {
      sum += v[i];
    }
  }
  let mean = sum / f32(dims.width);
  var squares = 0.0;
  for (var c = 0u; c < width4; c++) {
    let v = x[base + c];
    for (var i = 0u; i < 4u; i++) {
      let d = v[i] - mean;
      squares += d * d;
    }
  }
  let rstd = 1.0 / sqrt(squares / f32(dims.width) + EPS);
  for (var c = 0u; c < width4; c++) {
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
  let width4 = dims.width / 4u;
  let base = row * width4;
  let mean = stats[2u * row];
  let rstd = stats[2u * row + 1u];
  var mean_g = 0.0;
  var mean_gx = 0.0;
  for (var c = 0u; c < width4; c++) {
    let g = dy[base + c] * weight[c];
    let v = x[base + c];
    for (var i = 0u; i < 4u; i++) {
      mean_g += g[i];
      mean_gx += g[i] * (v[i] - mean) * rstd;
    }
  }
  mean_g /= f32(dims.width);
  mean_gx /= f32(dims.width);
  for (var c = 0u; c < width4; c++) {
    let g = dy[base + c] * weight[c];
    let xhat = (x[base + c] - mean) * rstd;
    dx[base + c] += rstd * (g - mean_g - xhat * mean_gx);
  }
}

@compute @workgroup_size(64)
fn backward_params(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let c = index(gid, nwg);
  let width4 = dims.width / 4u;
  if (c >= width4) {
    return;
  }
  var dw = vec4<f32>(0.0);
  var db = vec4<f32>(0.0);
  for (var row = 0u; row < dims.rows; row++) {
    let g = dy[row * width4 + c];
    dw += g * (x[row * width4 + c] - stats[2u * row]) * stats[2u * row + 1u];
    db += g;
  }
  dweight[c] = dw;
  dbias[c] = db;
}
