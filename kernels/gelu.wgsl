// GELU's backward, elementwise on vec4s (the forward is fused into the c_fc matmul's epilogue).
// Dispatch: 64 invocations per workgroup, x * y workgroups covering count / 4 vectors.

// #include gelu_fn

struct Dims {
  count4: u32,
  _pad0: u32,
  _pad1: u32,
  _pad2: u32,
}

@group(0) @binding(0) var<uniform> dims: Dims;
@group(0) @binding(1) var<storage, read> x: array<vec4<f32>>;
// Holds dy on entry and dx on exit.
@group(0) @binding(3) var<storage, read_write> grad: array<vec4<f32>>;

fn index(gid: vec3<u32>, nwg: vec3<u32>) -> u32 {
  return gid.x + gid.y * nwg.x * 64u;
}

@compute @workgroup_size(64)
fn backward(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = index(gid, nwg);
  if (i >= dims.count4) {
    return;
  }
  let v = x[i];
  let t = inner_tanh(v);
  let slope = 0.5 * (1.0 + t) + 0.5 * v * (1.0 - t * t) * SQRT_2_OVER_PI * (1.0 + 3.0 * CUBIC * v * v);
  grad[i] = grad[i] * slope;
}
