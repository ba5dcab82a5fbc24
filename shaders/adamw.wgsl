// adamw: one AdamW step (llm.c's adamw_update) over flat f32 buffers of N:
//   g = grads[i] · scale        (scale = norm_scale[1] from grad_norm, else 1)
//   m = beta1·m + (1 - beta1)·g
//   v = beta2·v + (1 - beta2)·g²
//   params -= lr · ((m / beta1_correction) / (sqrt(v / beta2_correction) + eps) + weight_decay · params)
// beta1_correction = 1 - beta1^t and beta2_correction = 1 - beta2^t come
// from the CPU (float64, rounded to f32), so the shader needs no pow.
//
// Tiling: one invocation per element, 256 per workgroup. N reaches millions
// (GPT-2 small: 124M), beyond 65535 workgroups in one dimension, so the
// dispatch folds into a 2-D grid; block = wid.y · nwg.x + wid.x and elements
// past N are masked. Elementwise, so trivially deterministic.

struct Params {
  learning_rate: f32,
  beta1: f32,
  beta2: f32,
  beta1_correction: f32,
  beta2_correction: f32,
  eps: f32,
  weight_decay: f32,
  N: u32,
  has_norm_scale: u32,
}

@group(0) @binding(0) var<storage, read_write> params_memory: array<f32>;
@group(0) @binding(1) var<storage, read> grads_memory: array<f32>;
@group(0) @binding(2) var<storage, read_write> m_memory: array<f32>;
@group(0) @binding(3) var<storage, read_write> v_memory: array<f32>;
@group(0) @binding(4) var<storage, read> norm_scale: array<f32>;
@group(0) @binding(5) var<uniform> params: Params;

@compute @workgroup_size(256, 1, 1)
fn main(
  @builtin(workgroup_id) wid: vec3<u32>,
  @builtin(num_workgroups) nwg: vec3<u32>,
  @builtin(local_invocation_id) lid: vec3<u32>,
) {
  let i = (wid.y * nwg.x + wid.x) * 256u + lid.x;
  if (i >= params.N) {
    return;
  }
  var scale = 1.0;
  if (params.has_norm_scale != 0u) {
    scale = norm_scale[1];
  }
  let g = grads_memory[i] * scale;
  let m = params.beta1 * m_memory[i] + (1.0 - params.beta1) * g;
  let v = params.beta2 * v_memory[i] + (1.0 - params.beta2) * g * g;
  m_memory[i] = m;
  v_memory[i] = v;
  let m_hat = m / params.beta1_correction;
  let v_hat = v / params.beta2_correction;
  let p = params_memory[i];
  params_memory[i] = p - params.learning_rate * (m_hat / (sqrt(v_hat) + params.eps) + params.weight_decay * p);
}
