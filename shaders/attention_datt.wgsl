// attention_datt: first of the three materialised attention backward kernels
// (the plain path the fused backward is measured against); through out = att · v:
//   dout (B, T, C), qkv (B, T, 3C) -> datt (B, NH, T, T),
//   datt[b, h, t, t2] = dout_t · v_t2 over head h's HS channels, for t2 <= t
//   (entries above the diagonal are left as they are and never read). ASSIGNED.
//
// Tiling: one invocation per (t2, t) entry, 16x16 per workgroup
// (x = key t2, y = query t, z = b * NH + h), masked at T and at the diagonal.

struct Params {
  B: u32,
  T: u32,
  C: u32,
  NH: u32,
}

@group(0) @binding(0) var<storage, read_write> datt: array<f32>; // (B, NH, T, T)
@group(0) @binding(1) var<storage, read> dout: array<f32>; // (B, T, C)
@group(0) @binding(2) var<storage, read> qkv: array<f32>; // (B, T, 3C)
@group(0) @binding(3) var<uniform> params: Params;

@compute @workgroup_size(16, 16, 1)
fn main(@builtin(global_invocation_id) id: vec3<u32>) {
  let T = params.T;
  let t2 = id.x;
  let t = id.y;
  if (t >= T || t2 > t) {
    return;
  }
  let NH = params.NH;
  let C = params.C;
  let HS = C / NH;
  let b = id.z / NH;
  let h = id.z % NH;
  let d = (b * T + t) * C + h * HS;
  let v = (b * T + t2) * 3u * C + 2u * C + h * HS;
  var sum = 0.0;
  for (var i = 0u; i < HS; i++) {
    sum += dout[d + i] * qkv[v + i];
  }
  datt[(id.z * T + t) * T + t2] = sum;
}
