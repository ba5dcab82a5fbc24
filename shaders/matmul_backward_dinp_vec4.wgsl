// matmul_backward_dinp_vec4: dinp(BT, C) = dout(BT, OC) · weight(OC, C)
// (ASSIGNED) for C and OC multiples of 4, every buffer read as vec4.
//
// The tiling of matmul_backward_dinp (each invocation an 8-row x 4-column
// block of dinp, 8x8 workgroups = 64 rows x 32 columns, no workgroup memory),
// but each step takes 4 oc at once: 4 weight vec4s (4 rows of weight, this
// block's 4 columns) and one dout vec4 per row, for 128 multiply-adds from 12
// loads. On SwiftShader a vec4 load costs about what a scalar one does.
// Within a step the 4 oc are applied in order, so each value sums
// oc = 0..OC-1 in order: deterministic.
//
// Edges: rows past BT are clamped for loads and masked at the store; C % 4 ==
// 0 means a 4-column block is wholly in range or wholly out.

struct Params {
  BT: u32,
  C: u32,
  OC: u32,
}

@group(0) @binding(0) var<storage, read_write> dinp: array<vec4<f32>>;
@group(0) @binding(1) var<storage, read> dout: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read> weight: array<vec4<f32>>;
@group(0) @binding(3) var<uniform> params: Params;

// acc += d.x·w0 + d.y·w1 + d.z·w2 + d.w·w3, one oc after another.
fn step(acc: vec4<f32>, d: vec4<f32>, w0: vec4<f32>, w1: vec4<f32>, w2: vec4<f32>, w3: vec4<f32>) -> vec4<f32> {
  var a = fma(vec4<f32>(d.x), w0, acc);
  a = fma(vec4<f32>(d.y), w1, a);
  a = fma(vec4<f32>(d.z), w2, a);
  return fma(vec4<f32>(d.w), w3, a);
}

@compute @workgroup_size(8, 8, 1)
fn main(@builtin(global_invocation_id) id: vec3<u32>) {
  let BT = params.BT;
  let C4 = params.C / 4u;
  let OC4 = params.OC / 4u;
  let cv = id.x; // this block's columns, as a vec4 index
  let bt0 = id.y * 8u;
  if (cv >= C4 || bt0 >= BT) {
    return;
  }
  // Starts of the 8 dout rows (vec4s), clamped.
  let d0 = min(bt0, BT - 1u) * OC4;
  let d1 = min(bt0 + 1u, BT - 1u) * OC4;
  let d2 = min(bt0 + 2u, BT - 1u) * OC4;
  let d3 = min(bt0 + 3u, BT - 1u) * OC4;
  let d4 = min(bt0 + 4u, BT - 1u) * OC4;
  let d5 = min(bt0 + 5u, BT - 1u) * OC4;
  let d6 = min(bt0 + 6u, BT - 1u) * OC4;
  let d7 = min(bt0 + 7u, BT - 1u) * OC4;

  var acc0 = vec4<f32>();
  var acc1 = vec4<f32>();
  var acc2 = vec4<f32>();
  var acc3 = vec4<f32>();
  var acc4 = vec4<f32>();
  var acc5 = vec4<f32>();
  var acc6 = vec4<f32>();
  var acc7 = vec4<f32>();
  for (var o = 0u; o < OC4; o++) {
    let w = 4u * o * C4 + cv; // weight(4o, this block's columns)
    let w0 = weight[w];
    let w1 = weight[w + C4];
    let w2 = weight[w + 2u * C4];
    let w3 = weight[w + 3u * C4];
    acc0 = step(acc0, dout[d0 + o], w0, w1, w2, w3);
    acc1 = step(acc1, dout[d1 + o], w0, w1, w2, w3);
    acc2 = step(acc2, dout[d2 + o], w0, w1, w2, w3);
    acc3 = step(acc3, dout[d3 + o], w0, w1, w2, w3);
    acc4 = step(acc4, dout[d4 + o], w0, w1, w2, w3);
    acc5 = step(acc5, dout[d5 + o], w0, w1, w2, w3);
    acc6 = step(acc6, dout[d6 + o], w0, w1, w2, w3);
    acc7 = step(acc7, dout[d7 + o], w0, w1, w2, w3);
  }
  let accs = array<vec4<f32>, 8>(acc0, acc1, acc2, acc3, acc4, acc5, acc6, acc7);
  for (var r = 0u; r < 8u; r++) {
    if (bt0 + r < BT) {
      dinp[(bt0 + r) * C4 + cv] = accs[r];
    }
  }
}
