// gelu_backward: dinp(N) = gelu'(inp) · dout (llm.c's gelu_backward, with the
// tanh approximation). dinp is an activation gradient, so it is ASSIGNED
// (llm.c adds into it; here every backward assigns activation gradients and
// parameter gradients accumulate).
//
//   u = √(2/π)·(x + 0.044715·x³),  t = tanh(u),  sech²(u) = 1 - t²
//   gelu'(x) = 0.5·(1 + t) + 0.5·x·sech²(u)·√(2/π)·(1 + 3·0.044715·x²)
//
// tanh and sech² both come from e = exp(-2|u|) ∈ (0, 1]: t = sign(u)(1-e)/(1+e)
// and sech² = 4e/(1+e)², so nothing overflows for large |x| (llm.c's
// 1/cosh² does; some drivers' tanh gives NaN there) and sech² keeps its
// relative precision where 1 - t² would cancel.
//
// Tiling: one invocation per element, 256 per workgroup, folded into a 2-D
// grid (block = wid.y·nwg.x + wid.x) since N/256 can exceed 65535; the tail
// past N is masked.

struct Params {
  N: u32,
}

@group(0) @binding(0) var<storage, read_write> dinp: array<f32>;
@group(0) @binding(1) var<storage, read> inp: array<f32>;
@group(0) @binding(2) var<storage, read> dout: array<f32>;
@group(0) @binding(3) var<uniform> params: Params;

const GELU_SCALING_FACTOR: f32 = 0.7978845608028654; // sqrt(2 / pi)

@compute @workgroup_size(256, 1, 1)
fn main(
  @builtin(workgroup_id) wid: vec3<u32>,
  @builtin(num_workgroups) nwg: vec3<u32>,
  @builtin(local_invocation_index) lid: u32,
) {
  let i = (wid.y * nwg.x + wid.x) * 256u + lid;
  if (i >= params.N) {
    return;
  }
  let x = inp[i];
  let u = GELU_SCALING_FACTOR * (x + 0.044715 * x * x * x);
  let e = exp(-2.0 * abs(u));
  let t = sign(u) * (1.0 - e) / (1.0 + e);
  let sech2 = 4.0 * e / ((1.0 + e) * (1.0 + e));
  let local_grad = 0.5 * (1.0 + t) + 0.5 * x * sech2 * GELU_SCALING_FACTOR * (1.0 + 3.0 * 0.044715 * x * x);
  dinp[i] = local_grad * dout[i];
}
