// matmul_forward_blocked: out(BT, OC) = inp(BT, C) · weight(OC, C)ᵀ + bias(OC)
// (llm.c's layout: weight rows are output channels; bias is optional).
//
// Workgroup tiles plus register blocking, the usual fast GPU matmul: a 16x16
// workgroup computes a 64-row x 64-channel block of `out`, each invocation a
// 4x4 sub-block held in 4 vec4 accumulators. It walks c in steps of 16; at
// each step the workgroup stages a 64x16 slice of inp and of weight in
// workgroup memory (4 loads per invocation each), then every invocation does
// 16 x (2 vec4 reads, 16 multiply-adds). Tiles are stored c-major, (c, row/4)
// as vec4, so the inner loop reads whole vec4s of 4 rows or 4 channels.
//
// Edges: tile entries past BT, OC or C are loaded as 0 and only in-range
// outputs are stored, so no size needs to be a multiple of anything. Each
// output sums bias then c = 0..C-1 in order (padding adds exact zeros).

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

const TILE = 64u; // rows and channels per workgroup
const KT = 16u; // c per step

var<workgroup> inp_tile: array<array<vec4<f32>, 16>, 16>; // (c, row / 4)
var<workgroup> weight_tile: array<array<vec4<f32>, 16>, 16>; // (c, channel / 4)

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

@compute @workgroup_size(16, 16, 1)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let BT = params.BT;
  let C = params.C;
  let OC = params.OC;
  let bt_tile = wg.y * TILE;
  let oc_tile = wg.x * TILE;
  let tid = lid.y * 16u + lid.x;
  let bt0 = bt_tile + lid.y * 4u;
  let oc0 = oc_tile + lid.x * 4u;

  var b = vec4<f32>();
  if (params.has_bias != 0u) {
    for (var j = 0u; j < 4u; j++) {
      if (oc0 + j < OC) {
        b[j] = bias[oc0 + j];
      }
    }
  }
  var acc0 = b;
  var acc1 = b;
  var acc2 = b;
  var acc3 = b;
  // No early return: every invocation must reach the barriers.
  for (var c0 = 0u; c0 < C; c0 += KT) {
    // 64 x 16 values per tile, 4 per invocation; neighbours read neighbouring c.
    for (var i = tid; i < TILE * KT; i += 256u) {
      let r = i / KT;
      let k = i % KT;
      let c = c0 + k;
      var x = 0.0;
      if (bt_tile + r < BT && c < C) {
        x = inp[(bt_tile + r) * C + c];
      }
      inp_tile[k][r / 4u][r % 4u] = x;
      var w = 0.0;
      if (oc_tile + r < OC && c < C) {
        w = weight[(oc_tile + r) * C + c];
      }
      weight_tile[k][r / 4u][r % 4u] = w;
    }
    workgroupBarrier();
    for (var k = 0u; k < KT; k++) {
      let x = inp_tile[k][lid.y]; // rows bt0..bt0+3 at c0+k
      let w = weight_tile[k][lid.x]; // channels oc0..oc0+3 at c0+k
      acc0 = fma(vec4<f32>(x.x), w, acc0);
      acc1 = fma(vec4<f32>(x.y), w, acc1);
      acc2 = fma(vec4<f32>(x.z), w, acc2);
      acc3 = fma(vec4<f32>(x.w), w, acc3);
    }
    workgroupBarrier();
  }
  store_row(bt0, oc0, acc0);
  store_row(bt0 + 1u, oc0, acc1);
  store_row(bt0 + 2u, oc0, acc2);
  store_row(bt0 + 3u, oc0, acc3);
}
