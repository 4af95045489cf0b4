// GELU, tanh approximation (GPT-2's "gelu_new"), on vec4s: functions only, included (`// #include gelu_fn`)
// by the kernels that apply it (gelu.wgsl's backward, the matmuls' fused epilogue), so that every GELU is
// the same arithmetic.

const SQRT_2_OVER_PI: f32 = 0.7978845608028654;
const CUBIC: f32 = 0.044715;

// tanh of the inner term, clamped where it is +-1 in f32 (some backends overflow exp beyond that).
fn inner_tanh(v: vec4<f32>) -> vec4<f32> {
  return tanh(clamp(SQRT_2_OVER_PI * (v + CUBIC * v * v * v), vec4<f32>(-10.0), vec4<f32>(10.0)));
}

fn gelu(v: vec4<f32>) -> vec4<f32> {
  return 0.5 * v * (1.0 + inner_tanh(v));
}
