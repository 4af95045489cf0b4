// Residual connection: y = a + b, elementwise on vec4s. (Its backward needs no kernel: the gradient
// of the residual stream is accumulated in place by the LayerNorm backward.)
// Dispatch: 64 invocations per workgroup, x * y workgroups covering count / 4 vectors.

struct Dims {
  count4: u32,
  _pad0: u32,
  _pad1: u32,
  _pad2: u32,
}

@group(0) @binding(0) var<uniform> dims: Dims;
@group(0) @binding(1) var<storage, read> a: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read> b: array<vec4<f32>>;
@group(0) @binding(3) var<storage, read_write> y: array<vec4<f32>>;

@compute @workgroup_size(64)
fn add(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = gid.x + gid.y * nwg.x * 64u;
  if (i >= dims.count4) {
    return;
  }
  y[i] = a[i] + b[i];
}
