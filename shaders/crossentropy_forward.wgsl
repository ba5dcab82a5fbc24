// crossentropy_forward: losses(B, T) = -log softmax(logits[b, t, :])[targets[b, t]]
// logits (B, T, V), targets (B, T) u32, losses (B, T); rows are BT = B*T.
//
// Tiling: one workgroup of WG (64, a power of two) per (b, t) row, so any V
// works (V = 50257 is 786 columns per invocation, V = 50 leaves some idle).
// Each invocation keeps an online (max, sum of exp(x - max)) over the columns
// i ≡ lid (mod WG), in increasing i; the WG pairs are then merged by a
// tree in workgroup memory (stride WG/2, ..., 1), always the same order,
// so the result is deterministic. The row is read once.
// loss = max + log(sum) - logits[target]. A target outside [0, V) gives a
// NaN loss: the kernel cannot throw, and NaN cannot be missed downstream.

struct Params {
  BT: u32,
  V: u32,
}

@group(0) @binding(0) var<storage, read_write> losses: array<f32>;
@group(0) @binding(1) var<storage, read> logits: array<f32>;
@group(0) @binding(2) var<storage, read> targets: array<u32>;
@group(0) @binding(3) var<uniform> params: Params;

// Invocations per workgroup, a power of two (for the tree); see crossentropy.ts.
override WG: u32 = 64u;
// The lowest finite f32: a start value for max that needs no infinity.
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

  // Online softmax statistics over this invocation's columns.
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

  // Fixed-order tree merge of (max, sum) pairs.
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

  if (lid == 0u) {
    let tgt = targets[row];
    if (tgt < V) {
      losses[row] = row_max[0] + log(row_sum[0]) - logits[base + tgt];
    } else {
      // NaN: target out of range. Built from a var, as WGSL rejects NaN constants.
      var nan_bits = 0x7fc00000u;
      losses[row] = bitcast<f32>(nan_bits);
    }
  }
}
