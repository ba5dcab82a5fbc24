// matmul_forward_direct: out(BT, OC) = inp(BT, C) · weight(OC, C)ᵀ + bias(OC)
// (llm.c's layout: weight rows are output channels; bias is optional).
//
// Register blocking straight from global memory, no workgroup memory: each
// invocation computes an 8-row x 4-channel block of `out` (8 vec4
// accumulators, one per row). Per step of c it loads 8 inp values and 4
// weight values for 32 multiply-adds, where the naive kernel loads 2 for 1.
// A 8x8 workgroup covers 64 rows x 32 channels.
//
// Why no workgroup tiles: on CPU adapters (SwiftShader, lavapipe) a barrier
// switches between coroutines and costs more than the re-reads it saves; the
// CPU's caches do the tiling. The autotuner picks this kernel or a tiled one
// per adapter by measurement.
//
// Edges: rows and channels past BT or OC are clamped for loads (min) and
// masked at the store, so BT, C and OC need not be multiples of anything.
// Each output sums bias then c = 0..C-1 in order, like the naive kernel.

struct Params {
  BT: u32,
  C: u32,
  OC: u32,
  has_bias: u32,
}

@group(0) @binding(0) var<storage, read_write> out: array<f32>;
@group(0) @binding(1) var<storage, read> inp: array<f32>;
@group(0) @binding(2) var<storage, read> weight: array<f32>;
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

@compute @workgroup_size(8, 8, 1)
fn main(@builtin(global_invocation_id) id: vec3<u32>) {
  let BT = params.BT;
  let C = params.C;
  let OC = params.OC;
  let oc0 = id.x * 4u;
  let bt0 = id.y * 8u;
  if (oc0 >= OC || bt0 >= BT) {
    return;
  }
  // Start of each weight row (4 channels) and inp row (8 rows), clamped.
  let w0 = min(oc0, OC - 1u) * C;
  let w1 = min(oc0 + 1u, OC - 1u) * C;
  let w2 = min(oc0 + 2u, OC - 1u) * C;
  let w3 = min(oc0 + 3u, OC - 1u) * C;
  let x0 = min(bt0, BT - 1u) * C;
  let x1 = min(bt0 + 1u, BT - 1u) * C;
  let x2 = min(bt0 + 2u, BT - 1u) * C;
  let x3 = min(bt0 + 3u, BT - 1u) * C;
  let x4 = min(bt0 + 4u, BT - 1u) * C;
  let x5 = min(bt0 + 5u, BT - 1u) * C;
  let x6 = min(bt0 + 6u, BT - 1u) * C;
  let x7 = min(bt0 + 7u, BT - 1u) * C;

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
  for (var c = 0u; c < C; c++) {
    let w = vec4<f32>(weight[w0 + c], weight[w1 + c], weight[w2 + c], weight[w3 + c]);
    acc0 = fma(vec4<f32>(inp[x0 + c]), w, acc0);
    acc1 = fma(vec4<f32>(inp[x1 + c]), w, acc1);
    acc2 = fma(vec4<f32>(inp[x2 + c]), w, acc2);
    acc3 = fma(vec4<f32>(inp[x3 + c]), w, acc3);
    acc4 = fma(vec4<f32>(inp[x4 + c]), w, acc4);
    acc5 = fma(vec4<f32>(inp[x5 + c]), w, acc5);
    acc6 = fma(vec4<f32>(inp[x6 + c]), w, acc6);
    acc7 = fma(vec4<f32>(inp[x7 + c]), w, acc7);
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
