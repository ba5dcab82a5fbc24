// matmul_backward_dweight_vec4: dweight(OC, C) += dout(BT, OC)ᵀ · inp(BT, C),
// and when has_dbias != 0 also dbias(OC) += Σ_bt dout(bt, OC), for C and OC
// multiples of 4, reading dout and inp as vec4. Parameter gradients
// ACCUMULATE: each value is read, added to and written back by one invocation.
//
// The tiling of matmul_backward_dweight (each invocation an 8-channel x
// 4-column block of dweight, 8x8 workgroups = 64 channels x 32 columns, no
// workgroup memory), but per bt it loads the 8 channels' dout as 2 vec4s and
// the 4 columns' inp as 1 vec4: 3 loads for 32 multiply-adds.
//
// dbias: the invocations of the first column block (id.x == 0) add up their 8
// dout columns over bt after their dweight sums: one invocation per channel,
// bt = 0..BT-1 in order, so deterministic with no atomics and no extra dispatch.
//
// Edges: OC % 4 == 0 and C % 4 == 0, so a group of 4 channels or 4 columns is
// wholly in range or wholly out; the upper 4 channels are clamped for loads
// and masked at the store.

struct Params {
  BT: u32,
  C: u32,
  OC: u32,
  has_dbias: u32,
}

@group(0) @binding(0) var<storage, read_write> dweight: array<vec4<f32>>;
@group(0) @binding(1) var<storage, read_write> dbias: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read> dout: array<vec4<f32>>;
@group(0) @binding(3) var<storage, read> inp: array<vec4<f32>>;
@group(0) @binding(4) var<uniform> params: Params;

@compute @workgroup_size(8, 8, 1)
fn main(@builtin(global_invocation_id) id: vec3<u32>) {
  let BT = params.BT;
  let C4 = params.C / 4u;
  let OC = params.OC;
  let OC4 = OC / 4u;
  let cv = id.x; // this block's columns, as a vec4 index
  let oc0 = id.y * 8u;
  if (cv >= C4 || oc0 >= OC) {
    return;
  }
  let lo_v = oc0 / 4u; // channels oc0..oc0+3, as a vec4 index
  let hi_v = min(lo_v + 1u, OC4 - 1u); // channels oc0+4..oc0+7, clamped

  var acc0 = vec4<f32>();
  var acc1 = vec4<f32>();
  var acc2 = vec4<f32>();
  var acc3 = vec4<f32>();
  var acc4 = vec4<f32>();
  var acc5 = vec4<f32>();
  var acc6 = vec4<f32>();
  var acc7 = vec4<f32>();
  for (var bt = 0u; bt < BT; bt++) {
    let x = inp[bt * C4 + cv];
    let lo = dout[bt * OC4 + lo_v];
    let hi = dout[bt * OC4 + hi_v];
    acc0 = fma(vec4<f32>(lo.x), x, acc0);
    acc1 = fma(vec4<f32>(lo.y), x, acc1);
    acc2 = fma(vec4<f32>(lo.z), x, acc2);
    acc3 = fma(vec4<f32>(lo.w), x, acc3);
    acc4 = fma(vec4<f32>(hi.x), x, acc4);
    acc5 = fma(vec4<f32>(hi.y), x, acc5);
    acc6 = fma(vec4<f32>(hi.z), x, acc6);
    acc7 = fma(vec4<f32>(hi.w), x, acc7);
  }
  let accs = array<vec4<f32>, 8>(acc0, acc1, acc2, acc3, acc4, acc5, acc6, acc7);
  for (var r = 0u; r < 8u; r++) {
    if (oc0 + r < OC) {
      let i = (oc0 + r) * C4 + cv;
      dweight[i] = dweight[i] + accs[r];
    }
  }
  if (params.has_dbias != 0u && cv == 0u) {
    var lo = vec4<f32>();
    var hi = vec4<f32>();
    for (var bt = 0u; bt < BT; bt++) {
      lo += dout[bt * OC4 + lo_v];
      hi += dout[bt * OC4 + hi_v];
    }
    dbias[lo_v] = dbias[lo_v] + lo;
    if (oc0 + 4u < OC) {
      dbias[hi_v] = dbias[hi_v] + hi;
    }
  }
}
