// matmul_forward_tiled: out(BT, OC) = inp(BT, C) · weight(OC, C)ᵀ + bias(OC)
// (llm.c's layout: weight rows are output channels; bias is optional).
//
// Workgroup tiling: a 16x16 workgroup computes a 16-row x 16-channel block of
// `out`, one output per invocation (x = channel, y = row). It walks c in steps
// of 16; at each step every invocation loads one inp and one weight value into
// workgroup memory, so each global value is read once per workgroup instead
// of 16 times. The classic GPU matmul; on CPU adapters its two barriers per
// step cost more than they save (the autotuner measures which wins).
//
// Edges: tile entries past BT, OC or C are loaded as 0, and only in-range
// outputs are stored, so no size needs to be a multiple of 16. Each output
// sums bias then c = 0..C-1 in order (padding adds exact zeros).

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

const TILE = 16u;

var<workgroup> inp_tile: array<array<f32, 16>, 16>; // (row, c)
var<workgroup> weight_tile: array<array<f32, 16>, 16>; // (channel, c)

@compute @workgroup_size(16, 16, 1)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let BT = params.BT;
  let C = params.C;
  let OC = params.OC;
  let bt = wg.y * TILE + lid.y;
  let oc = wg.x * TILE + lid.x;
  // The weight row this invocation loads: channel lid.y of the tile.
  let load_oc = wg.x * TILE + lid.y;

  var sum = 0.0;
  if (params.has_bias != 0u && oc < OC) {
    sum = bias[oc];
  }
  // No early return: every invocation must reach the barriers.
  for (var c0 = 0u; c0 < C; c0 += TILE) {
    let c = c0 + lid.x;
    var x = 0.0;
    if (bt < BT && c < C) {
      x = inp[bt * C + c];
    }
    inp_tile[lid.y][lid.x] = x;
    var w = 0.0;
    if (load_oc < OC && c < C) {
      w = weight[load_oc * C + c];
    }
    weight_tile[lid.y][lid.x] = w;
    workgroupBarrier();
    for (var k = 0u; k < TILE; k++) {
      sum += inp_tile[lid.y][k] * weight_tile[lid.x][k];
    }
    workgroupBarrier();
  }
  if (bt < BT && oc < OC) {
    out[bt * OC + oc] = sum;
  }
}
