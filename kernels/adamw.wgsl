// AdamW with torch.optim.AdamW semantics over the flat parameter buffer, fused with gradient clipping:
//   g *= min(1, clip / (norm + 1e-6))           (torch.nn.utils.clip_grad_norm_; only when has_clip)
//   p *= 1 - lr * weight_decay                  (decoupled decay, first; only vec4s < decay_end)
//   m = beta1 m + (1 - beta1) g;  v = beta2 v + (1 - beta2) g^2
//   p -= lr / bc1 * m / (sqrt(v) / sqrt(bc2) + eps)     with bc_i = 1 - beta_i^step
// norm[0] is the global gradient norm written earlier in the same submission (gradnorm.wgsl).
// Dispatch: 64 invocations per workgroup, x * y workgroups covering count / 4 vectors.

struct Settings {
  lr: f32,
  weight_decay: f32,
  beta1: f32,
  beta2: f32,
  eps: f32,
  clip: f32,
  bc1: f32,
  bc2_sqrt: f32,
  count4: u32,
  decay_end4: u32,
  has_clip: u32,
  _pad0: u32,
}

@group(0) @binding(0) var<uniform> settings: Settings;
@group(0) @binding(1) var<storage, read_write> params: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read> grads: array<vec4<f32>>;
@group(0) @binding(3) var<storage, read_write> m: array<vec4<f32>>;
@group(0) @binding(4) var<storage, read_write> v: array<vec4<f32>>;
@group(0) @binding(5) var<storage, read> norm: array<f32>;

@compute @workgroup_size(64)
fn update(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = gid.x + gid.y * nwg.x * 64u;
  if (i >= settings.count4) {
    return;
  }
  var g = grads[i];
  if (settings.has_clip != 0u) {
    let coef = settings.clip / (norm[0] + 1e-6);
    if (coef < 1.0) {
      g *= coef;
    }
  }
  var p = params[i];
  if (i < settings.decay_end4) {
    p *= 1.0 - settings.lr * settings.weight_decay;
  }
  let m1 = settings.beta1 * m[i] + (1.0 - settings.beta1) * g;
  let v1 = settings.beta2 * v[i] + (1.0 - settings.beta2) * g * g;
  m[i] = m1;
  v[i] = v1;
  params[i] = p - (settings.lr / settings.bc1) * m1 / (sqrt(v1) / settings.bc2_sqrt + settings.eps);
}
