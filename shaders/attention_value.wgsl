// attention_value: third of the three materialised attention kernels.
//   att (B, NH, T, T), qkv (B, T, 3C) -> out (B, T, C),
//   out[b, t, h*HS + i] = Σ_{t2 <= t} att[b, h, t, t2] · v[b, t2, h*HS + i].
//
// Tiling: one invocation per output element; 64 channels per workgroup
// (x = channel block, y = b * T + t), masked at C. Keys summed in order.

struct Params {
  B: u32,
  T: u32,
  C: u32,
  NH: u32,
}

@group(0) @binding(0) var<storage, read_write> out: array<f32>; // (B, T, C)
@group(0) @binding(1) var<storage, read> att: array<f32>; // (B, NH, T, T)
@group(0) @binding(2) var<storage, read> qkv: array<f32>; // (B, T, 3C)
@group(0) @binding(3) var<uniform> params: Params;

@compute @workgroup_size(64, 1, 1)
fn main(@builtin(global_invocation_id) id: vec3<u32>) {
  let C = params.C;
  let c = id.x;
  if (c >= C) {
    return;
  }
  let T = params.T;
  let NH = params.NH;
  let HS = C / NH;
  let bt = id.y;
  let b = bt / T;
  let t = bt % T;
  let h = c / HS;
  let att_row = ((b * NH + h) * T + t) * T;
  var sum = 0.0;
  for (var t2 = 0u; t2 <= t; t2++) {
    sum += att[att_row + t2] * qkv[(b * T + t2) * 3u * C + 2u * C + c];
  }
  out[bt * C + c] = sum;
}
