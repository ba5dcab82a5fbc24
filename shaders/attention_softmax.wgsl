// attention_softmax: second of the three materialised attention kernels.
//   preatt (B, NH, T, T) -> att (B, NH, T, T), each row t a softmax over the
//   causal keys t2 <= t and zero above the diagonal; stats (B, NH, T) = the
//   row's logsumexp (max + log Σ exp), the same statistics the fused forward
//   writes, so both paths share one backward.
//
// Tiling: one invocation per row (b, h, t), 64 rows per workgroup
// (x = row block, y = h, z = b), masked at T. Three passes over the row
// (max, Σ exp, normalise) in key order: deterministic.

struct Params {
  B: u32,
  T: u32,
  C: u32,
  NH: u32,
}

@group(0) @binding(0) var<storage, read_write> att: array<f32>; // (B, NH, T, T)
@group(0) @binding(1) var<storage, read_write> stats: array<f32>; // (B, NH, T)
@group(0) @binding(2) var<storage, read> preatt: array<f32>; // (B, NH, T, T)
@group(0) @binding(3) var<uniform> params: Params;

@compute @workgroup_size(64, 1, 1)
fn main(@builtin(global_invocation_id) id: vec3<u32>) {
  let T = params.T;
  let t = id.x;
  if (t >= T) {
    return;
  }
  let row = (id.z * params.NH + id.y) * T + t; // (b, h, t)
  let base = row * T;
  var m = preatt[base];
  for (var t2 = 1u; t2 <= t; t2++) {
    m = max(m, preatt[base + t2]);
  }
  var sum = 0.0;
  for (var t2 = 0u; t2 <= t; t2++) {
    sum += exp(preatt[base + t2] - m);
  }
  for (var t2 = 0u; t2 < T; t2++) {
    var p = 0.0;
    if (t2 <= t) {
      p = exp(preatt[base + t2] - m) / sum;
    }
    att[base + t2] = p;
  }
  stats[row] = m + log(sum);
}
