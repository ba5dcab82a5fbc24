// layernorm_forward (llm.c's layernorm_forward, eps = 1e-5):
//   mean(B,T) = Σ_c x / C,  rstd(B,T) = 1 / sqrt(Σ_c (x - mean)² / C + eps)
//   out(B,T,C) = (x - mean) · rstd · weight(C) + bias(C)
// mean and rstd are saved for the backward.
//
// Tiling: one workgroup of WG invocations per row (b, t); invocation lid
// handles channels lid, lid + WG, ... so C of any size (13, 768, 1024+) is
// covered and reads are consecutive. Mean and variance are two passes, as in
// llm.c (the variance of x - mean loses less than E[x²] - mean²); each is a
// fixed-order reduction in workgroup memory (workgroup_sum), so results are
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

// Invocations per row: 64 suits GPUs; CPU adapters want few (SwiftShader runs
// 4-wide workgroups 4-15x faster than 64-wide ones), so layernorm.ts sets it.
override WG: u32 = 64u;
const EPS: f32 = 1e-5;

var<workgroup> partial: array<f32, WG>;

// Σ of v over the workgroup; every invocation gets the same value. Each one
// adds the WG partial sums itself, in index order, rather than through a
// log2(WG)-step tree: two barriers instead of eight. On CPU adapters a barrier
// costs far more than WG workgroup-memory reads; on GPUs all invocations read
// the same address (a broadcast). Fixed order, so deterministic.
fn workgroup_sum(lid: u32, v: f32) -> f32 {
  partial[lid] = v;
  workgroupBarrier();
  var total = 0.0;
  for (var i = 0u; i < WG; i++) {
    total += partial[i];
  }
  workgroupBarrier(); // everyone has read partial before it is reused
  return total;
}

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
