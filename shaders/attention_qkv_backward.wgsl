// attention_qkv_backward: third of the three materialised attention backward
// kernels; through preatt = q · kᵀ · scale and out = att · v:
//   dpreatt, att (B, NH, T, T), dout (B, T, C), qkv (B, T, 3C) -> dqkv (B, T, 3C),
//   for channel c of head h (HS = C / NH, scale = 1 / sqrt(HS)) at row t:
//   dq[t, c] = scale · Σ_{t2 <= t} dpreatt[h, t, t2] · k[t2, c]
//   dk[t, c] = scale · Σ_{t' >= t} dpreatt[h, t', t] · q[t', c]
//   dv[t, c] =         Σ_{t' >= t} att[h, t', t] · dout[t', c]
// All three parts of dqkv are ASSIGNED.
//
// Tiling: one invocation per (b, t, c), 64 channels per workgroup
// (x = channel block, y = b * T + t), masked at C. Sums run in row order.

struct Params {
  B: u32,
  T: u32,
  C: u32,
  NH: u32,
}

@group(0) @binding(0) var<storage, read_write> dqkv: array<f32>; // (B, T, 3C)
@group(0) @binding(1) var<storage, read> dpreatt: array<f32>; // (B, NH, T, T)
@group(0) @binding(2) var<storage, read> att: array<f32>; // (B, NH, T, T)
@group(0) @binding(3) var<storage, read> dout: array<f32>; // (B, T, C)
@group(0) @binding(4) var<storage, read> qkv: array<f32>; // (B, T, 3C)
@group(0) @binding(5) var<uniform> params: Params;

@compute @workgroup_size(64, 1, 1)
fn main(@builtin(global_invocation_id) id: vec3<u32>) {
  let C = params.C;
  let c = id.x;
  if (c >= C) {
    return;
  }
  let T = params.T;
  let C3 = 3u * C;
  let HS = C / params.NH;
  let scale = 1.0 / sqrt(f32(HS));
  let bt = id.y;
  let b = bt / T;
  let t = bt % T;
  let head = (b * params.NH + c / HS) * T * T; // (b, h, 0, 0)
  var dq = 0.0;
  for (var t2 = 0u; t2 <= t; t2++) {
    dq += dpreatt[head + t * T + t2] * qkv[(b * T + t2) * C3 + C + c];
  }
  var dk = 0.0;
  var dv = 0.0;
  for (var t1 = t; t1 < T; t1++) {
    dk += dpreatt[head + t1 * T + t] * qkv[(b * T + t1) * C3 + c];
    dv += att[head + t1 * T + t] * dout[(b * T + t1) * C + c];
  }
  dqkv[bt * C3 + c] = dq * scale;
  dqkv[bt * C3 + C + c] = dk * scale;
  dqkv[bt * C3 + 2u * C + c] = dv;
}
