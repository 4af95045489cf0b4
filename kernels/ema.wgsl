// Exponential moving average of the weights over the flat parameter buffer, after an update:
//   ema = decay * ema + (1 - decay) * params
// A decay of 0 copies the weights (the EMA's first update). One invocation per vec4.
// Dispatch: 64 invocations per workgroup, x * y workgroups covering count / 4 vectors.

struct Settings {
  decay: f32,
  count4: u32,
  _pad0: u32,
  _pad1: u32,
}

@group(0) @binding(0) var<uniform> settings: Settings;
@group(0) @binding(1) var<storage, read> params: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read_write> ema: array<vec4<f32>>;

@compute @workgroup_size(64)
fn update(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = gid.x + gid.y * nwg.x * 64u;
  if (i >= settings.count4) {
    return;
  }
  ema[i] = settings.decay * ema[i] + (1.0 - settings.decay) * params[i];
}
