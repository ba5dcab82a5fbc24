// matmul_backward_dweight: dweight(OC, C) += dout(BT, OC)ᵀ · inp(BT, C), and
// when has_dbias != 0 also dbias(OC) += Σ_bt dout(bt, OC). Parameter gradients
// ACCUMULATE: each value is read, added to and written back by one invocation.
//
// Register-blocked output tiles: each invocation computes an 8-channel x
// 4-column block of dweight (8 vec4 accumulators), an 8x8 workgroup a
// 64-channel x 32-column tile. Per bt it loads 8 neighbouring dout values and
// 4 neighbouring inp values for 32 multiply-adds, straight from global memory
// (on CPU adapters the caches do the tiling; see matmul_forward_direct).
//
// dbias: the invocations of the first column block (id.x == 0) own 8 channels
// each; after their dweight sums they add up those 8 dout columns over bt.
// One invocation per channel, bt = 0..BT-1 in order: deterministic, no atomics,
// no second dispatch, and only BT x OC extra loads in all.
//
// Edges: channels past OC and columns past C are clamped for loads (min) and
// masked at the store. Every sum runs bt = 0..BT-1 in order.

struct Params {
  BT: u32,
  C: u32,
  OC: u32,
  has_dbias: u32,
}

@group(0) @binding(0) var<storage, read_write> dweight: array<f32>;
@group(0) @binding(1) var<storage, read_write> dbias: array<f32>;
@group(0) @binding(2) var<storage, read> dout: array<f32>;
@group(0) @binding(3) var<storage, read> inp: array<f32>;
@group(0) @binding(4) var<uniform> params: Params;

// Adds one channel's 4-column block into dweight, in-range columns only.
fn add_row(oc: u32, c0: u32, v: vec4<f32>) {
  if (oc >= params.OC) {
    return;
  }
  for (var j = 0u; j < 4u; j++) {
    if (c0 + j < params.C) {
      let i = oc * params.C + c0 + j;
      dweight[i] = dweight[i] + v[j];
    }
  }
}

// dbias(oc0..oc0+7) += Σ_bt dout(bt, oc0..oc0+7), in-range channels only.
fn add_dbias(oc0: u32) {
  let OC = params.OC;
  var lo = vec4<f32>(); // channels oc0..oc0+3
  var hi = vec4<f32>(); // channels oc0+4..oc0+7
  for (var bt = 0u; bt < params.BT; bt++) {
    let row = bt * OC;
    lo += vec4<f32>(dout[row + min(oc0, OC - 1u)], dout[row + min(oc0 + 1u, OC - 1u)], dout[row + min(oc0 + 2u, OC - 1u)], dout[row + min(oc0 + 3u, OC - 1u)]);
    hi += vec4<f32>(dout[row + min(oc0 + 4u, OC - 1u)], dout[row + min(oc0 + 5u, OC - 1u)], dout[row + min(oc0 + 6u, OC - 1u)], dout[row + min(oc0 + 7u, OC - 1u)]);
  }
  for (var j = 0u; j < 4u; j++) {
    if (oc0 + j < OC) {
      dbias[oc0 + j] = dbias[oc0 + j] + lo[j];
    }
    if (oc0 + 4u + j < OC) {
      dbias[oc0 + 4u + j] = dbias[oc0 + 4u + j] + hi[j];
    }
  }
}

@compute @workgroup_size(8, 8, 1)
fn main(@builtin(global_invocation_id) id: vec3<u32>) {
  let BT = params.BT;
  let C = params.C;
  let OC = params.OC;
  let c0 = id.x * 4u;
  let oc0 = id.y * 8u;
  if (c0 >= C || oc0 >= OC) {
    return;
  }
  // Clamped columns of inp and of dout.
  let k0 = min(c0, C - 1u);
  let k1 = min(c0 + 1u, C - 1u);
  let k2 = min(c0 + 2u, C - 1u);
  let k3 = min(c0 + 3u, C - 1u);
  let o0 = min(oc0, OC - 1u);
  let o1 = min(oc0 + 1u, OC - 1u);
  let o2 = min(oc0 + 2u, OC - 1u);
  let o3 = min(oc0 + 3u, OC - 1u);
  let o4 = min(oc0 + 4u, OC - 1u);
  let o5 = min(oc0 + 5u, OC - 1u);
  let o6 = min(oc0 + 6u, OC - 1u);
  let o7 = min(oc0 + 7u, OC - 1u);

  var acc0 = vec4<f32>();
  var acc1 = vec4<f32>();
  var acc2 = vec4<f32>();
  var acc3 = vec4<f32>();
  var acc4 = vec4<f32>();
  var acc5 = vec4<f32>();
  var acc6 = vec4<f32>();
  var acc7 = vec4<f32>();
  for (var bt = 0u; bt < BT; bt++) {
    let x_row = bt * C;
    let d_row = bt * OC;
    let x = vec4<f32>(inp[x_row + k0], inp[x_row + k1], inp[x_row + k2], inp[x_row + k3]);
    acc0 = fma(vec4<f32>(dout[d_row + o0]), x, acc0);
    acc1 = fma(vec4<f32>(dout[d_row + o1]), x, acc1);
    acc2 = fma(vec4<f32>(dout[d_row + o2]), x, acc2);
    acc3 = fma(vec4<f32>(dout[d_row + o3]), x, acc3);
    acc4 = fma(vec4<f32>(dout[d_row + o4]), x, acc4);
    acc5 = fma(vec4<f32>(dout[d_row + o5]), x, acc5);
    acc6 = fma(vec4<f32>(dout[d_row + o6]), x, acc6);
    acc7 = fma(vec4<f32>(dout[d_row + o7]), x, acc7);
  }
  add_row(oc0, c0, acc0);
  add_row(oc0 + 1u, c0, acc1);
  add_row(oc0 + 2u, c0, acc2);
  add_row(oc0 + 3u, c0, acc3);
  add_row(oc0 + 4u, c0, acc4);
  add_row(oc0 + 5u, c0, acc5);
  add_row(oc0 + 6u, c0, acc6);
  add_row(oc0 + 7u, c0, acc7);
  if (params.has_dbias != 0u && id.x == 0u) {
    add_dbias(oc0);
  }
}
