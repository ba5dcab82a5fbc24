// residual_forward_vec4: residual_forward (out(N) = inp1(N) + inp2(N)) for
// N % 4 == 0, four elements per invocation as one vec4. residual.ts picks it
// whenever N allows (always for B·T·C with C % 4 == 0): a quarter of the
// invocations and 16-byte accesses, 2-3x faster than the scalar kernel on
// SwiftShader, where it was slower than TF.js's (also vec4) add.
//
// Tiling: one invocation per vec4, 256 per workgroup, folded into a 2-D grid
// (block = wid.y·nwg.x + wid.x) since N/1024 can exceed 65535; the tail past
// N/4 is masked.

struct Params {
  N: u32,
}

@group(0) @binding(0) var<storage, read_write> out: array<vec4<f32>>;
@group(0) @binding(1) var<storage, read> inp1: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read> inp2: array<vec4<f32>>;
@group(0) @binding(3) var<uniform> params: Params;

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
  out[i] = inp1[i] + inp2[i];
}
