// encoder_backward_wte: dwte(V,C)[v, :] += Σ dout(B,T,C)[bt, :] over the
// positions bt whose token is v (llm.c's encoder_backward, wte half).
// dwte is a parameter gradient, so it ACCUMULATES.
//
// Deterministic without atomics: the launcher buckets positions by token on
// the CPU (encoder_buckets.ts) — buckets(S,3) holds (token, start, end) for
// each of S = min(B·T, V) slots, tokens in increasing order, unused slots
// empty (start = end), and positions(B·T) holds each bucket's positions in
// increasing order. One invocation owns one (slot, channel) pair and sums its
// positions in that order, so every dwte element gets one fixed-order sum
// and a single read-modify-write.
//
// Tiling: workgroups of 64 channels of one slot (x = channel block,
// y + z·nwg.y = slot, folded because S can exceed 65535): the 64 invocations
// read 64 consecutive floats of each dout row. Channels past C are masked.
// A frequent token makes its slot's workgroup long; B·T is small in-browser.

struct Params {
  B: u32,
  T: u32,
  C: u32,
  V: u32,
}

@group(0) @binding(0) var<storage, read_write> dwte: array<f32>;
@group(0) @binding(1) var<storage, read> dout: array<f32>;
@group(0) @binding(2) var<storage, read> buckets: array<u32>;
@group(0) @binding(3) var<storage, read> positions: array<u32>;
@group(0) @binding(4) var<uniform> params: Params;

@compute @workgroup_size(64, 1, 1)
fn main(
  @builtin(workgroup_id) wid: vec3<u32>,
  @builtin(num_workgroups) nwg: vec3<u32>,
  @builtin(local_invocation_index) lid: u32,
) {
  let C = params.C;
  let c = wid.x * 64u + lid;
  let slot = wid.z * nwg.y + wid.y;
  if (c >= C || slot >= min(params.B * params.T, params.V)) {
    return;
  }
  let token = buckets[slot * 3u];
  let start = buckets[slot * 3u + 1u];
  let end = buckets[slot * 3u + 2u];
  if (start == end) {
    return;
  }
  var sum = 0.0;
  for (var k = start; k < end; k++) {
    sum += dout[positions[k] * C + c];
  }
  dwte[token * C + c] += sum;
}
