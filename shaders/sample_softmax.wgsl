// sample_softmax: probs (V) = softmax(logits[offset .. offset + V) * inv_temperature),
// the distribution the sampler draws from (for display and for checks;
// sample_token.wgsl does not need it).
//
// Tiling: one workgroup of 64 for the row (small: barriers cost per invocation on CPU adapters). Max, then the sum of
// exp((x - max) * inv_temperature), each over i ≡ lid (mod 64) in
// increasing i and a fixed tree; then every invocation writes its columns.

struct Params {
  V: u32,
  offset: u32,
  inv_temperature: f32,
}

@group(0) @binding(0) var<storage, read_write> probs: array<f32>;
@group(0) @binding(1) var<storage, read> logits: array<f32>;
@group(0) @binding(2) var<uniform> params: Params;

const WG = 64u;
const LOWEST = -3.4028234e38;

var<workgroup> red: array<f32, WG>;

@compute @workgroup_size(64, 1, 1)
fn main(@builtin(local_invocation_id) lid3: vec3<u32>) {
  let lid = lid3.x;
  let V = params.V;
  let base = params.offset;

  var m = LOWEST;
  for (var i = lid; i < V; i += WG) {
    m = max(m, logits[base + i]);
  }
  red[lid] = m;
  workgroupBarrier();
  for (var s = WG / 2u; s > 0u; s /= 2u) {
    if (lid < s) {
      red[lid] = max(red[lid], red[lid + s]);
    }
    workgroupBarrier();
  }
  let max_val = red[0];
  workgroupBarrier();

  var sum = 0.0;
  for (var i = lid; i < V; i += WG) {
    sum += exp((logits[base + i] - max_val) * params.inv_temperature);
  }
  red[lid] = sum;
  workgroupBarrier();
  for (var s = WG / 2u; s > 0u; s /= 2u) {
    if (lid < s) {
      red[lid] += red[lid + s];
    }
    workgroupBarrier();
  }
  let inv_sum = 1.0 / red[0];

  for (var i = lid; i < V; i += WG) {
    probs[i] = exp((logits[base + i] - max_val) * params.inv_temperature) * inv_sum;
  }
}
