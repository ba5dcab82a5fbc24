// residual_accumulate: dst(N) += src(N). The backward of a residual
// connection routes the same gradient to both inputs; the trainer keeps one
// gradient buffer for the residual stream and adds each branch's input
// gradient into it with this kernel (our backward kernels assign activation
// gradients, so the sum happens here, in one place).
//
// Tiling: one invocation per element, 256 per workgroup, folded into a 2-D
// grid (block = wid.y·nwg.x + wid.x) since N/256 can exceed 65535; the tail
// past N is masked.

struct Params {
  N: u32,
}

@group(0) @binding(0) var<storage, read_write> dst: array<f32>;
@group(0) @binding(1) var<storage, read> src: array<f32>;
@group(0) @binding(2) var<uniform> params: Params;

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
  dst[i] = dst[i] + src[i];
}
