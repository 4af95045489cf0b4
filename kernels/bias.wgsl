// Bias gradient: db[n] = sum over rows of dy[row, n], one invocation per 4 columns, rows summed in
// order (deterministic, no atomics).
// Dispatch: 64 invocations per workgroup, x * y workgroups covering cols / 4.

struct Dims {
  rows: u32,
  cols: u32,
  _pad0: u32,
  _pad1: u32,
}

@group(0) @binding(0) var<uniform> dims: Dims;
@group(0) @binding(1) var<storage, read> dy: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read_write> db: array<vec4<f32>>;

@compute @workgroup_size(64)
fn backward(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let c4 = gid.x + gid.y * nwg.x * 64u;
  let cols4 = dims.cols / 4u;
  if (c4 >= cols4) {
    return;
  }
  var sum = vec4<f32>(0.0);
  for (var row = 0u; row < dims.rows; row++) {
    sum += dy[row * cols4 + c4];
  }
  db[c4] = sum;
}
