// residual_forward: out(N) = inp1(N) + inp2(N) — the residual stream plus a
// block's output (llm.c's residual_forward), N = B·T·C.
//
// Tiling: one invocation per element, 256 per workgroup. The workgroups fold
// into a 2-D grid (block = wid.y·nwg.x + wid.x) because N/256 can exceed the
// 65535 workgroups allowed per dimension; the tail past N is masked.

struct Params {
  N: u32,
}

@group(0) @binding(0) var<storage, read_write> out: array<f32>;
@group(0) @binding(1) var<storage, read> inp1: array<f32>;
@group(0) @binding(2) var<storage, read> inp2: array<f32>;
@group(0) @binding(3) var<uniform> params: Params;

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
  out[i] = inp1[i] + inp2[i];
}
