// encoder_backward_wpe: dwpe(maxT,C)[t, c] += Σ_b dout(B,T,C)[b, t, c]
// (llm.c's encoder_backward, wpe half). dwpe is a parameter gradient, so it
// ACCUMULATES.
//
// Tiling: one invocation per (t, c) of the first T rows of dwpe, summing over
// b in order (deterministic, no atomics); 256 per workgroup, consecutive
// invocations on consecutive channels. Folded 2-D grid (block = wid.y·nwg.x
// + wid.x) since T·C/256 can exceed 65535; the tail past T·C is masked.

struct Params {
  B: u32,
  T: u32,
  C: u32,
}

@group(0) @binding(0) var<storage, read_write> dwpe: array<f32>;
@group(0) @binding(1) var<storage, read> dout: array<f32>;
@group(0) @binding(2) var<uniform> params: Params;

@compute @workgroup_size(256, 1, 1)
fn main(
  @builtin(workgroup_id) wid: vec3<u32>,
  @builtin(num_workgroups) nwg: vec3<u32>,
  @builtin(local_invocation_index) lid: u32,
) {
  let TC = params.T * params.C;
  let i = (wid.y * nwg.x + wid.x) * 256u + lid;
  if (i >= TC) {
    return;
  }
  var sum = 0.0;
  for (var b = 0u; b < params.B; b++) {
    sum += dout[b * TC + i];
  }
  dwpe[i] += sum;
}
