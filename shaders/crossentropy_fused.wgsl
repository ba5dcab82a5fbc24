// crossentropy_fused: the classifier's forward and backward in one pass
// (llm.c's fused_classifier idea), for logits (B, T, V), targets (B, T) u32,
// dlosses (B, T):
//   losses(B, T)     = -log p[target],  p = softmax(logits[b, t, :])
//   dlogits(B, T, V) = (p - onehot(target)) · dlosses[b, t]   (assigned, not accumulated)
//
// Tiling: one workgroup of WG (64) per (b, t) row, any V. Pass 1 is the same
// online (max, sum) per invocation over columns i ≡ lid (mod WG) and the
// same fixed-order tree merge as crossentropy_forward.wgsl (so the two give
// bit-identical losses); pass 2 re-reads the row and writes dlogits with the
// row's max and 1/sum. A target outside [0, V) gives a NaN loss and a NaN
// dlogits row, so a bad batch poisons the step visibly.

struct Params {
  BT: u32,
  V: u32,
}

@group(0) @binding(0) var<storage, read_write> losses: array<f32>;
@group(0) @binding(1) var<storage, read_write> dlogits: array<f32>;
@group(0) @binding(2) var<storage, read> logits: array<f32>;
@group(0) @binding(3) var<storage, read> dlosses: array<f32>;
@group(0) @binding(4) var<storage, read> targets: array<u32>;
@group(0) @binding(5) var<uniform> params: Params;

// Invocations per workgroup, a power of two (for the tree); see crossentropy.ts.
override WG: u32 = 64u;
const LOWEST = -3.4028234e38;

var<workgroup> row_max: array<f32, WG>;
var<workgroup> row_sum: array<f32, WG>;

@compute @workgroup_size(WG, 1, 1)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid3: vec3<u32>) {
  let row = wid.x;
  let lid = lid3.x;
  if (row >= params.BT) {
    return;
  }
  let V = params.V;
  let base = row * V;

  var m = LOWEST;
  var s = 0.0;
  for (var i = lid; i < V; i += WG) {
    let x = logits[base + i];
    if (x > m) {
      s = s * exp(m - x) + 1.0;
      m = x;
    } else {
      s += exp(x - m);
    }
  }
  row_max[lid] = m;
  row_sum[lid] = s;
  workgroupBarrier();

  for (var stride = WG / 2u; stride > 0u; stride /= 2u) {
    if (lid < stride) {
      let m1 = row_max[lid];
      let m2 = row_max[lid + stride];
      let mm = max(m1, m2);
      row_sum[lid] = row_sum[lid] * exp(m1 - mm) + row_sum[lid + stride] * exp(m2 - mm);
      row_max[lid] = mm;
    }
    workgroupBarrier();
  }

  let tgt = targets[row];
  let row_m = row_max[0];
  let sum = row_sum[0];
  if (tgt >= V) {
    // Built from a var, as WGSL rejects NaN constants.
    var nan_bits = 0x7fc00000u;
    let nan = bitcast<f32>(nan_bits);
    if (lid == 0u) {
      losses[row] = nan;
    }
    for (var i = lid; i < V; i += WG) {
      dlogits[base + i] = nan;
    }
    return;
  }
  if (lid == 0u) {
    losses[row] = row_m + log(sum) - logits[base + tgt];
  }
  let inv_sum = 1.0 / sum;
  let dloss = dlosses[row];
  for (var i = lid; i < V; i += WG) {
    let p = exp(logits[base + i] - row_m) * inv_sum;
    let indicator = select(0.0, 1.0, i == tgt);
    dlogits[base + i] = (p - indicator) * dloss;
  }
}
