// layernorm_backward, the dinp part (llm.c's layernorm_backward):
//   norm = (x - mean) · rstd,  g = weight(C) · dout(B,T,C)
//   dinp(B,T,C) = (g - mean_c(g) - norm · mean_c(g · norm)) · rstd
// dinp is an activation gradient, so it is ASSIGNED (llm.c adds into it).
// dweight and dbias (parameter gradients, accumulated) are the two
// layernorm_backward_params_* kernels.
//
// Tiling: one workgroup of WG invocations per row; invocation lid handles
// channels lid, lid + WG, ...; both row means come from one fixed-order
// reduction of vec2 partial sums in workgroup memory (deterministic). Rows fold into a 2-D grid
// (row = wid.y·nwg.x + wid.x); rows past B·T exit before any barrier (row is
// uniform across the workgroup).

struct Params {
  BT: u32,
  C: u32,
}

@group(0) @binding(0) var<storage, read_write> dinp: array<f32>;
@group(0) @binding(1) var<storage, read> dout: array<f32>;
@group(0) @binding(2) var<storage, read> inp: array<f32>;
@group(0) @binding(3) var<storage, read> weight: array<f32>;
@group(0) @binding(4) var<storage, read> mean: array<f32>;
@group(0) @binding(5) var<storage, read> rstd: array<f32>;
@group(0) @binding(6) var<uniform> params: Params;

// Invocations per row: 64 suits GPUs; CPU adapters want few (SwiftShader runs
// 4-wide workgroups 4-15x faster than 64-wide ones), so layernorm.ts sets it.
override WG: u32 = 64u;

var<workgroup> partial: array<vec2<f32>, WG>;

@compute @workgroup_size(WG, 1, 1)
fn main(
  @builtin(workgroup_id) wid: vec3<u32>,
  @builtin(num_workgroups) nwg: vec3<u32>,
  @builtin(local_invocation_index) lid: u32,
) {
  let row = wid.y * nwg.x + wid.x;
  if (row >= params.BT) {
    return;
  }
  let C = params.C;
  let base = row * C;
  let m = mean[row];
  let s = rstd[row];

  // (Σ g, Σ g·norm) over this invocation's channels.
  var sums = vec2<f32>(0.0, 0.0);
  for (var c = lid; c < C; c += WG) {
    let norm = (inp[base + c] - m) * s;
    let g = weight[c] * dout[base + c];
    sums += vec2<f32>(g, g * norm);
  }
  // Every invocation adds the partial sums in index order: two barriers rather
  // than a log2(WG)-step tree (barriers are what costs on CPU adapters).
  partial[lid] = sums;
  workgroupBarrier();
  var total = vec2<f32>(0.0, 0.0);
  for (var i = 0u; i < WG; i++) {
    total += partial[i];
  }
  let means = total / f32(C);

  for (var c = lid; c < C; c += WG) {
    let norm = (inp[base + c] - m) * s;
    let g = weight[c] * dout[base + c];
    dinp[base + c] = (g - means.x - norm * means.y) * s;
  }
}
