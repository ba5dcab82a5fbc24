// matmul_forward: out(BT, OC) = inp(BT, C) · weight(OC, C)ᵀ + bias(OC)
// (llm.c's layout: weight rows are output channels; bias is optional).
//
// Tiling: one invocation per output element; a 16x16 workgroup covers a
// 16-row x 16-column block of `out` (x = output channel, y = row), so edge
// workgroups mask off invocations beyond BT or OC. No workgroup memory: on the
// CPU adapters we test with, barriers cost more than the re-reads they save
// (see shared/PLATFORM.md). Faster variants come with the kernel library.

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

@compute @workgroup_size(16, 16, 1)
fn main(@builtin(global_invocation_id) id: vec3<u32>) {
  let oc = id.x;
  let bt = id.y;
  if (oc >= params.OC || bt >= params.BT) {
    return;
  }
  let C = params.C;
  var sum = 0.0;
  if (params.has_bias != 0u) {
    sum = bias[oc];
  }
  let inp_row = bt * C;
  let weight_row = oc * C;
  for (var c = 0u; c < C; c++) {
    sum += inp[inp_row + c] * weight[weight_row + c];
  }
  out[bt * params.OC + oc] = sum;
}
