// attention_softmax_backward: second of the three materialised attention
// backward kernels; through att = softmax(preatt) along each causal row:
//   att, datt (B, NH, T, T) -> dpreatt (B, NH, T, T),
//   dpreatt[t3] = Σ_t2 att[t2] (1[t2 = t3] - att[t3]) datt[t2]
//               = att[t3] · (datt[t3] - Σ_{t2 <= t} att[t2] · datt[t2]),  t3 <= t.
// Entries above the diagonal are left as they are and never read. ASSIGNED.
//
// Tiling: one invocation per row (b, h, t), 64 rows per workgroup
// (x = row block, y = h, z = b), masked at T. Keys summed in order.

struct Params {
  B: u32,
  T: u32,
  C: u32,
  NH: u32,
}

@group(0) @binding(0) var<storage, read_write> dpreatt: array<f32>; // (B, NH, T, T)
@group(0) @binding(1) var<storage, read> att: array<f32>; // (B, NH, T, T)
@group(0) @binding(2) var<storage, read> datt: array<f32>; // (B, NH, T, T)
@group(0) @binding(3) var<uniform> params: Params;

@compute @workgroup_size(64, 1, 1)
fn main(@builtin(global_invocation_id) id: vec3<u32>) {
  let T = params.T;
  let t = id.x;
  if (t >= T) {
    return;
  }
  let base = ((id.z * params.NH + id.y) * T + t) * T; // row (b, h, t)
  var weighted = 0.0; // Σ att · datt over the row
  for (var t2 = 0u; t2 <= t; t2++) {
    weighted += att[base + t2] * datt[base + t2];
  }
  for (var t3 = 0u; t3 <= t; t3++) {
    dpreatt[base + t3] = att[base + t3] * (datt[base + t3] - weighted);
  }
}
