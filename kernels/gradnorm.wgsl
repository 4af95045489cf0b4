// Global L2 norm of the flat gradient buffer in two passes, deterministic (fixed summation order, no
// atomics): `partial` gives each of `parts` workgroups a contiguous chunk of vec4s and writes its sum of
// squares to partials[part]; `total` (one workgroup) adds the partials and writes norm[0] = sqrt(sum).
// Both use 64 invocations per workgroup; partial is dispatched with `parts` workgroups.

struct Dims {
  count4: u32,
  chunk4: u32,
  parts: u32,
  _pad0: u32,
}

@group(0) @binding(0) var<uniform> dims: Dims;
@group(0) @binding(1) var<storage, read> grads: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read_write> partials: array<f32>;
@group(0) @binding(3) var<storage, read_write> norm: array<f32>;

var<workgroup> scratch: array<f32, 64>;

fn reduce(lid: u32, value: f32) -> f32 {
  scratch[lid] = value;
  workgroupBarrier();
  for (var stride = 32u; stride > 0u; stride /= 2u) {
    if (lid < stride) {
      scratch[lid] += scratch[lid + stride];
    }
    workgroupBarrier();
  }
  return scratch[0];
}

@compute @workgroup_size(64)
fn partial(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>) {
  let start = wid.x * dims.chunk4;
  let end = min(start + dims.chunk4, dims.count4);
  var sum = 0.0;
  for (var i = start + lid.x; i < end; i += 64u) {
    let g = grads[i];
    sum += dot(g, g);
  }
  let chunk_sum = reduce(lid.x, sum);
  if (lid.x == 0u) {
    partials[wid.x] = chunk_sum;
  }
}

@compute @workgroup_size(64)
fn total(@builtin(local_invocation_id) lid: vec3<u32>) {
  var sum = 0.0;
  for (var i = lid.x; i < dims.parts; i += 64u) {
    sum += partials[i];
  }
  let squares = reduce(lid.x, sum);
  if (lid.x == 0u) {
    norm[0] = sqrt(squares);
  }
}
