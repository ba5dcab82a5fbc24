// matmul_forward_direct_vec4: out(BT, OC) = inp(BT, C) · weight(OC, C)ᵀ + bias(OC)
// for C a multiple of 4 (GPT widths are), reading inp and weight as vec4 along c.
//
// The same register blocking as matmul_forward_direct (each invocation an
// 8-row x 4-channel block of `out`, 8x8 workgroups = 64 rows x 32 channels,
// no workgroup memory), but each step loads 4 consecutive c at once: 8 inp
// vec4 + 4 weight vec4 for 128 multiply-adds. On SwiftShader one vec4 load
// costs about what one scalar load does, so this is ~2x the scalar kernel.
// The 4 c of a step are applied one after another, so each output still sums
// bias then c = 0..C-1 in order.
//
// Edges: rows past BT and channels past OC are clamped for loads and masked at
// the store; C % 4 != 0 is not supported (the autotuner skips this variant).

struct Params {
  BT: u32,
  C: u32,
  OC: u32,
  has_bias: u32,
}

@group(0) @binding(0) var<storage, read_write> out: array<f32>;
@group(0) @binding(1) var<storage, read> inp: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read> weight: array<vec4<f32>>;
@group(0) @binding(3) var<storage, read> bias: array<f32>;
@group(0) @binding(4) var<uniform> params: Params;

// Writes the in-range channels of one row's 4-channel block.
fn store_row(row: u32, oc0: u32, v: vec4<f32>) {
  if (row >= params.BT) {
    return;
  }
  for (var j = 0u; j < 4u; j++) {
    if (oc0 + j < params.OC) {
      out[row * params.OC + oc0 + j] = v[j];
    }
  }
}

// acc(row) += inp(row, c..c+3) · w(c..c+3, 4 channels), one c at a time.
// w0..w3 are the 4 channels' weight vec4s (each along c).
fn step(acc: vec4<f32>, x: vec4<f32>, w0: vec4<f32>, w1: vec4<f32>, w2: vec4<f32>, w3: vec4<f32>) -> vec4<f32> {
  var a = fma(vec4<f32>(x.x), vec4<f32>(w0.x, w1.x, w2.x, w3.x), acc);
  a = fma(vec4<f32>(x.y), vec4<f32>(w0.y, w1.y, w2.y, w3.y), a);
  a = fma(vec4<f32>(x.z), vec4<f32>(w0.z, w1.z, w2.z, w3.z), a);
  return fma(vec4<f32>(x.w), vec4<f32>(w0.w, w1.w, w2.w, w3.w), a);
}

@compute @workgroup_size(8, 8, 1)
fn main(@builtin(global_invocation_id) id: vec3<u32>) {
  let BT = params.BT;
  let C4 = params.C / 4u;
  let OC = params.OC;
  let oc0 = id.x * 4u;
  let bt0 = id.y * 8u;
  if (oc0 >= OC || bt0 >= BT) {
    return;
  }
  // Start of each weight row (4 channels) and inp row (8 rows), in vec4s, clamped.
  let w0 = min(oc0, OC - 1u) * C4;
  let w1 = min(oc0 + 1u, OC - 1u) * C4;
  let w2 = min(oc0 + 2u, OC - 1u) * C4;
  let w3 = min(oc0 + 3u, OC - 1u) * C4;
  let x0 = min(bt0, BT - 1u) * C4;
  let x1 = min(bt0 + 1u, BT - 1u) * C4;
  let x2 = min(bt0 + 2u, BT - 1u) * C4;
  let x3 = min(bt0 + 3u, BT - 1u) * C4;
  let x4 = min(bt0 + 4u, BT - 1u) * C4;
  let x5 = min(bt0 + 5u, BT - 1u) * C4;
  let x6 = min(bt0 + 6u, BT - 1u) * C4;
  let x7 = min(bt0 + 7u, BT - 1u) * C4;

  var b = vec4<f32>();
  if (params.has_bias != 0u) {
    b = vec4<f32>(bias[min(oc0, OC - 1u)], bias[min(oc0 + 1u, OC - 1u)], bias[min(oc0 + 2u, OC - 1u)], bias[min(oc0 + 3u, OC - 1u)]);
  }
  var acc0 = b;
  var acc1 = b;
  var acc2 = b;
  var acc3 = b;
  var acc4 = b;
  var acc5 = b;
  var acc6 = b;
  var acc7 = b;
  for (var c = 0u; c < C4; c++) {
    let wa = weight[w0 + c];
    let wb = weight[w1 + c];
    let wc = weight[w2 + c];
    let wd = weight[w3 + c];
    acc0 = step(acc0, inp[x0 + c], wa, wb, wc, wd);
    acc1 = step(acc1, inp[x1 + c], wa, wb, wc, wd);
    acc2 = step(acc2, inp[x2 + c], wa, wb, wc, wd);
    acc3 = step(acc3, inp[x3 + c], wa, wb, wc, wd);
    acc4 = step(acc4, inp[x4 + c], wa, wb, wc, wd);
    acc5 = step(acc5, inp[x5 + c], wa, wb, wc, wd);
    acc6 = step(acc6, inp[x6 + c], wa, wb, wc, wd);
    acc7 = step(acc7, inp[x7 + c], wa, wb, wc, wd);
  }
  store_row(bt0, oc0, acc0);
  store_row(bt0 + 1u, oc0, acc1);
  store_row(bt0 + 2u, oc0, acc2);
  store_row(bt0 + 3u, oc0, acc3);
  store_row(bt0 + 4u, oc0, acc4);
  store_row(bt0 + 5u, oc0, acc5);
  store_row(bt0 + 6u, oc0, acc6);
  store_row(bt0 + 7u, oc0, acc7);
}
