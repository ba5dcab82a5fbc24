// matmul_backward_dinp: dinp(BT, C) = dout(BT, OC) · weight(OC, C)
// (the input gradient of out = inp · weightᵀ + bias; ASSIGNED, not accumulated).
//
// Register-blocked output tiles: each invocation computes an 8-row x 4-column
// block of dinp (8 vec4 accumulators), an 8x8 workgroup a 64-row x 32-column
// tile. Per oc it loads 8 dout values and 4 neighbouring weight values (one
// row segment of weight, contiguous in memory) for 32 multiply-adds. Operands
// come straight from global memory: on CPU adapters the caches do the tiling
// and a workgroup barrier costs more than it saves (see matmul_forward_direct).
//
// Edges: rows past BT and columns past C are clamped for loads (min) and
// masked at the store. Each value sums oc = 0..OC-1 in order: deterministic.

struct Params {
  BT: u32,
  C: u32,
  OC: u32,
}

@group(0) @binding(0) var<storage, read_write> dinp: array<f32>;
@group(0) @binding(1) var<storage, read> dout: array<f32>;
@group(0) @binding(2) var<storage, read> weight: array<f32>;
@group(0) @binding(3) var<uniform> params: Params;

// Writes the in-range columns of one row's 4-column block.
fn store_row(bt: u32, c0: u32, v: vec4<f32>) {
  if (bt >= params.BT) {
    return;
  }
  for (var j = 0u; j < 4u; j++) {
    if (c0 + j < params.C) {
      dinp[bt * params.C + c0 + j] = v[j];
    }
  }
}

@compute @workgroup_size(8, 8, 1)
fn main(@builtin(global_invocation_id) id: vec3<u32>) {
  let BT = params.BT;
  let C = params.C;
  let OC = params.OC;
  let c0 = id.x * 4u;
  let bt0 = id.y * 8u;
  if (c0 >= C || bt0 >= BT) {
    return;
  }
  // Clamped columns of weight and starts of dout rows.
  let k0 = min(c0, C - 1u);
  let k1 = min(c0 + 1u, C - 1u);
  let k2 = min(c0 + 2u, C - 1u);
  let k3 = min(c0 + 3u, C - 1u);
  let d0 = min(bt0, BT - 1u) * OC;
  let d1 = min(bt0 + 1u, BT - 1u) * OC;
  let d2 = min(bt0 + 2u, BT - 1u) * OC;
  let d3 = min(bt0 + 3u, BT - 1u) * OC;
  let d4 = min(bt0 + 4u, BT - 1u) * OC;
  let d5 = min(bt0 + 5u, BT - 1u) * OC;
  let d6 = min(bt0 + 6u, BT - 1u) * OC;
  let d7 = min(bt0 + 7u, BT - 1u) * OC;

  var acc0 = vec4<f32>();
  var acc1 = vec4<f32>();
  var acc2 = vec4<f32>();
  var acc3 = vec4<f32>();
  var acc4 = vec4<f32>();
  var acc5 = vec4<f32>();
  var acc6 = vec4<f32>();
  var acc7 = vec4<f32>();
  for (var oc = 0u; oc < OC; oc++) {
    let row = oc * C;
    let w = vec4<f32>(weight[row + k0], weight[row + k1], weight[row + k2], weight[row + k3]);
    acc0 = fma(vec4<f32>(dout[d0 + oc]), w, acc0);
    acc1 = fma(vec4<f32>(dout[d1 + oc]), w, acc1);
    acc2 = fma(vec4<f32>(dout[d2 + oc]), w, acc2);
    acc3 = fma(vec4<f32>(dout[d3 + oc]), w, acc3);
    acc4 = fma(vec4<f32>(dout[d4 + oc]), w, acc4);
    acc5 = fma(vec4<f32>(dout[d5 + oc]), w, acc5);
    acc6 = fma(vec4<f32>(dout[d6 + oc]), w, acc6);
    acc7 = fma(vec4<f32>(dout[d7 + oc]), w, acc7);
  }
  store_row(bt0, c0, acc0);
  store_row(bt0 + 1u, c0, acc1);
  store_row(bt0 + 2u, c0, acc2);
  store_row(bt0 + 3u, c0, acc3);
  store_row(bt0 + 4u, c0, acc4);
  store_row(bt0 + 5u, c0, acc5);
  store_row(bt0 + 6u, c0, acc6);
  store_row(bt0 + 7u, c0, acc7);
}
