// encoder_forward: out(B,T,C) = wte(V,C)[inp[b,t], :] + wpe(maxT,C)[t, :]
// (llm.c's encoder_forward); inp(B,T) holds u32 token ids.
//
// Tiling: one invocation per output element, 256 per workgroup, so that
// consecutive invocations read consecutive channels of one wte row and one
// wpe row. The workgroups fold into a 2-D grid (block = wid.y·nwg.x + wid.x)
// since B·T·C/256 can exceed 65535; the tail past B·T·C is masked.
//
// A token id ≥ V is a bug upstream. WGSL would clamp the read silently, so
// the kernel writes NaN for that position instead: the loss turns NaN and
// training stops, rather than learning from the wrong row. (The CPU-side
// launchers of the backward, and the CPU reference, throw a RangeError.)

struct Params {
  B: u32,
  T: u32,
  C: u32,
  V: u32,
}

@group(0) @binding(0) var<storage, read_write> out: array<f32>;
@group(0) @binding(1) var<storage, read> inp: array<u32>;
@group(0) @binding(2) var<storage, read> wte: array<f32>;
@group(0) @binding(3) var<storage, read> wpe: array<f32>;
@group(0) @binding(4) var<uniform> params: Params;

@compute @workgroup_size(256, 1, 1)
fn main(
  @builtin(workgroup_id) wid: vec3<u32>,
  @builtin(num_workgroups) nwg: vec3<u32>,
  @builtin(local_invocation_index) lid: u32,
) {
  let C = params.C;
  let i = (wid.y * nwg.x + wid.x) * 256u + lid;
  if (i >= params.B * params.T * C) {
    return;
  }
  let bt = i / C;
  let c = i - bt * C;
  let t = bt % params.T;
  let token = inp[bt];
  if (token >= params.V) {
    // A quiet NaN. `token & 0u` keeps the bitcast out of constant evaluation,
    // where WGSL rejects a NaN.
    out[i] = bitcast<f32>(0x7fc00000u | (token & 0u));
    return;
  }
  out[i] = wte[token * C + c] + wpe[t * C + c];
}
