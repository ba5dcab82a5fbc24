// grad_norm_partials: stage 1 of the global gradient norm. For a flat
// gradient buffer grads (N), partials (G) with
//   partials[w] = Σ over invocations i of workgroup w of Σ_{j ≡ i mod G·WG} grads[j]²
// where WG = 64 and G = nwg.x = min(ceil(N / 4096), 256) (grad_norm_layout.ts).
//
// Tiling: G workgroups of WG; a grid-stride loop (adjacent invocations read
// adjacent floats) so N of tens of millions needs no 2-D dispatch and at
// most 256 partials; few small workgroups, as barriers are what CPU adapters
// pay for (grad_norm_layout.ts). Each invocation sums in f32 in increasing j, then the
// workgroup sums its WG values by a fixed tree: deterministic, no atomics.
// Stage 2 is grad_norm_finish.wgsl.

struct Params {
  N: u32,
}

@group(0) @binding(0) var<storage, read_write> partials: array<f32>;
@group(0) @binding(1) var<storage, read> grads: array<f32>;
@group(0) @binding(2) var<uniform> params: Params;

// Invocations per workgroup, a power of two (for the tree); see grad_norm.ts.
override WG: u32 = 64u;

var<workgroup> sums: array<f32, WG>;

@compute @workgroup_size(WG, 1, 1)
fn main(
  @builtin(workgroup_id) wid: vec3<u32>,
  @builtin(num_workgroups) nwg: vec3<u32>,
  @builtin(local_invocation_id) lid3: vec3<u32>,
) {
  let lid = lid3.x;
  let stride = nwg.x * WG;
  var sum = 0.0;
  for (var j = wid.x * WG + lid; j < params.N; j += stride) {
    let g = grads[j];
    sum += g * g;
  }
  sums[lid] = sum;
  workgroupBarrier();
  for (var s = WG / 2u; s > 0u; s /= 2u) {
    if (lid < s) {
      sums[lid] += sums[lid + s];
    }
    workgroupBarrier();
  }
  if (lid == 0u) {
    partials[wid.x] = sums[0];
  }
}
