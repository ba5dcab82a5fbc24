// grad_norm_finish: stage 2 of the global gradient norm. From partials
// (num_partials) of grad_norm_partials.wgsl, writes norm_scale (2):
//   norm_scale[0] = norm = sqrt(Σ partials)
//   norm_scale[1] = clip scale = min(1, max_norm / (norm + 1e-6)), or 1 when max_norm <= 0
// adamw.wgsl reads norm_scale[1] straight from the GPU: no readback between
// the norm and the update.
//
// Tiling: one workgroup of WG; invocation i sums partials i, i + WG, ...
// in order, then a fixed tree: deterministic.

struct Params {
  num_partials: u32,
  max_norm: f32,
}

@group(0) @binding(0) var<storage, read_write> norm_scale: array<f32>;
@group(0) @binding(1) var<storage, read> partials: array<f32>;
@group(0) @binding(2) var<uniform> params: Params;

// Invocations per workgroup, a power of two (for the tree); see grad_norm.ts.
override WG: u32 = 64u;

var<workgroup> sums: array<f32, WG>;

@compute @workgroup_size(WG, 1, 1)
fn main(@builtin(local_invocation_id) lid3: vec3<u32>) {
  let lid = lid3.x;
  var sum = 0.0;
  for (var i = lid; i < params.num_partials; i += WG) {
    sum += partials[i];
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
    let norm = sqrt(sums[0]);
    var scale = 1.0;
    if (params.max_norm > 0.0) {
      scale = min(1.0, params.max_norm / (norm + 1e-6));
    }
    norm_scale[0] = norm;
    norm_scale[1] = scale;
  }
}
