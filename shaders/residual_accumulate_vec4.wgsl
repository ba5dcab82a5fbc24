// residual_accumulate_vec4: residual_accumulate (dst(N) += src(N)) for
// N % 4 == 0, four elements per invocation as one vec4; residual.ts picks it
// whenever N allows (see residual_forward_vec4.wgsl for why).
//
// Tiling: one invocation per vec4, 256 per workgroup, folded into a 2-D grid
// (block = wid.y·nwg.x + wid.x) since N/1024 can exceed 65535; the tail past
// N/4 is masked.

struct Params {
  N: u32,
}

@group(0) @binding(0) var<storage, read_write> dst: array<vec4<f32>>;
@group(0) @binding(1) var<storage, read> src: array<vec4<f32>>;
@group(0) @binding(2) var<uniform> params: Params;

@compute @workgroup_size(256, 1, 1)
fn main(
  @builtin(workgroup_id) wid: vec3<u32>,
  @builtin(num_workgroups) nwg: vec3<u32>,
  @builtin(local_invocation_index) lid: u32,
) {
  let i = (wid.y * nwg.x + wid.x) * 256u + lid;
  if (i >= params.N / 4u) {
    return;
  }
  dst[i] = dst[i] + src[i];
}
