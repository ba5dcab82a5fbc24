// attention_query_key: first of the three materialised attention kernels
// (llm.c dev/cuda/attention_forward.cu, version 1), the plain path the fused
// attention_forward is measured against.
//   qkv (B, T, 3C) -> preatt (B, NH, T, T), preatt[b, h, t, t2] = q_t · k_t2 / sqrt(HS)
//   for keys t2 <= t; entries above the diagonal are left as they are (the
//   softmax never reads them). HS = C / NH.
//
// Tiling: one invocation per (t2, t) entry; a 16x16 workgroup covers a 16x16
// block of one head's (T, T) matrix (x = key t2, y = query t, z = b * NH + h),
// masked at T. Blocks wholly above the diagonal return at once.

struct Params {
  B: u32,
  T: u32,
  C: u32,
  NH: u32,
}

@group(0) @binding(0) var<storage, read_write> preatt: array<f32>; // (B, NH, T, T)
@group(0) @binding(1) var<storage, read> qkv: array<f32>; // (B, T, 3C)
@group(0) @binding(2) var<uniform> params: Params;

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
  let q = (b * T + t) * 3u * C + h * HS;
  let k = (b * T + t2) * 3u * C + C + h * HS;
  var sum = 0.0;
  for (var i = 0u; i < HS; i++) {
    sum += qkv[q + i] * qkv[k + i];
  }
  preatt[(id.z * T + t) * T + t2] = sum / sqrt(f32(HS));
}
