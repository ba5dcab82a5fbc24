// layernorm_forward (llm.c's layernorm_forward, eps = 1e-5):
//   mean(B,T) = Σ_c x / C,  rstd(B,T) = 1 / sqrt(Σ_c (x - mean)² / C + eps)
//   out(B,T,C) = (x - mean) · rstd · weight(C) + bias(C)
// mean and rstd are saved for the backward.
//
// Tiling: one workgroup of 64 invocations per row (b, t); invocation lid
// handles channels lid, lid + 64, ... so C of any size (13, 768, 1024+) is
// covered and reads are consecutive. Mean and variance are two passes, as in
// llm.c (the variance of x - mean loses less than E[x²] - mean²); each is a
// fixed-shape tree reduction in workgroup memory, so results are
// deterministic. Rows fold into a 2-D grid (row = wid.y·nwg.x + wid.x), since
// B·T can exceed 65535; rows past B·T exit before any barrier (row is
// uniform across the workgroup).

struct Params {
  BT: u32,
  C: u32,
}

@group(0) @binding(0) var<storage, read_write> out: array<f32>;
@group(0) @binding(1) var<storage, read_write> mean: array<f32>;
@group(0) @binding(2) var<storage, read_write> rstd: array<f32>;
@group(0) @binding(3) var<storage, read> inp: array<f32>;
@group(0) @binding(4) var<storage, read> weight: array<f32>;
@group(0) @binding(5) var<storage, read> bias: array<f32>;
@group(0) @binding(6) var<uniform> params: Params;

const WG: u32 = 64u;
const EPS: f32 = 1e-5;

var<workgroup> partial: array<f32, WG>;

// Σ of v over the workgroup, the same tree every time; every invocation gets it.
fn workgroup_sum(lid: u32, v: f32) -> f32 {
  partial[lid] = v;
  workgroupBarrier();
  for (var stride = WG / 2u; stride > 0u; stride /= 2u) {
    if (lid < stride) {
      partial[lid] += partial[lid + stride];
    }
    workgroupBarrier();
  }
  let total = partial[0];
  workgroupBarrier(); // everyone has read partial[0] before it is reused
  return total;
}

@compute @workgroup_size(64, 1, 1)
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

  var sum = 0.0;
  for (var c = lid; c < C; c += WG) {
    sum += inp[base + c];
  }
  let m = workgroup_sum(lid, sum) / f32(C);

  var sq = 0.0;
  for (var c = lid; c < C; c += WG) {
    let d = inp[base + c] - m;
    sq += d * d;
  }
  let s = 1.0 / sqrt(workgroup_sum(lid, sq) / f32(C) + EPS);

  for (var c = lid; c < C; c += WG) {
    out[base + c] = (inp[base + c] - m) * s * weight[c] + bias[c];
  }
  if (lid == 0u) {
    mean[row] = m;
    rstd[row] = s;
  }
}
