// sample_token: tokens (rows) u32, one per row of logits: row r is the V
// floats at offset + r * row_stride of the logits buffer (e.g. the last
// position of each sequence, read in place in the (B, T, V) logits; stride 0
// draws many coins from one row). Temperature, optional top-k, then a
// CPU-supplied uniform coin coins[r] in [0, 1) (clamped to [0, 1 - 2^-24]).
// The procedure is defined exactly so that sample.reference.ts, doing the
// same f32 operations in the same order, picks the same token:
//  1. Candidates: if k < V, the top k logits ordered by value descending,
//     then index ascending (k <= 64); otherwise all V in index order.
//     k = 1 is greedy argmax, ties to the lowest index.
//  2. Weights w = exp((x - max) * inv_temperature), f32.
//  3. The n candidates split into 64 contiguous chunks of L = ceil(n / 64);
//     chunk c sums its weights left to right (from 0.0) in f32.
//  4. total = the chunk sums added left to right; threshold = coin * total.
//     The first chunk whose running total exceeds the threshold, then the
//     first candidate in it where running + (partial chunk sum) exceeds it,
//     is the token. The last candidate of that chunk always qualifies (its
//     partial sum is the chunk sum), and coin < 1 keeps threshold < total.
// Only exp may differ between devices (WGSL allows a few ulp); see the
// reference for what that means for agreement.
//
// Tiling: one workgroup of 64 per row. Barriers dominate on CPU adapters
// (SwiftShader switches every invocation at each one), so the workgroup is
// small and top-k needs 3 barriers per candidate: each invocation first keeps
// its own sorted top-k of columns i ≡ lid (mod 64) in private memory (the
// global top k holds at most k from any invocation); then k rounds, where
// each invocation offers its next entry, 8 invocations each pick the best of
// 8 offers, invocation 0 the best of those 8, and the owner advances. Only
// comparisons: the candidates are exact. Step 3 is parallel over chunks,
// step 4 is one invocation (<= 64 + L steps).

struct Params {
  rows: u32,
  V: u32,
  offset: u32,
  row_stride: u32,
  k: u32,
  inv_temperature: f32,
}

@group(0) @binding(0) var<storage, read_write> tokens: array<u32>;
@group(0) @binding(1) var<storage, read> logits: array<f32>;
@group(0) @binding(2) var<storage, read> coins: array<f32>;
@group(0) @binding(3) var<uniform> params: Params;

const WG = 64u;
const GROUP = 8u; // WG = GROUP * GROUP offers per round
const MAX_K = 64u;
const NONE = 0xffffffffu;
// 1 - 2^-24, the largest f32 below 1.
const MAX_COIN = 0.99999994;

var<workgroup> offer_val: array<f32, WG>;
var<workgroup> offer_idx: array<u32, WG>;
var<workgroup> group_val: array<f32, GROUP>;
var<workgroup> group_idx: array<u32, GROUP>;
var<workgroup> cand_val: array<f32, MAX_K>;
var<workgroup> cand_idx: array<u32, MAX_K>;
var<workgroup> chunk_sums: array<f32, WG>;

// True when (v2, i2) comes before (v1, i1): value descending, index ascending; NONE is last.
fn before(v2: f32, i2: u32, v1: f32, i1: u32) -> bool {
  return i2 != NONE && (i1 == NONE || v2 > v1 || (v2 == v1 && i2 < i1));
}

@compute @workgroup_size(64, 1, 1)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid3: vec3<u32>) {
  let row = wid.x;
  let lid = lid3.x;
  if (row >= params.rows) {
    return;
  }
  let V = params.V;
  let base = params.offset + row * params.row_stride;
  let truncating = params.k < V;
  // Round 0 alone gives the max (and the argmax) when nothing is truncated.
  let rounds = select(1u, min(params.k, MAX_K), truncating);

  // Step 1a: this invocation's sorted top `rounds` of its columns (increasing i,
  // so an equal value never displaces an earlier index).
  var top_val: array<f32, MAX_K>;
  var top_idx: array<u32, MAX_K>;
  var top_len = 0u;
  for (var i = lid; i < V; i += WG) {
    let x = logits[base + i];
    if (top_len == rounds && !before(x, i, top_val[rounds - 1u], top_idx[rounds - 1u])) {
      continue;
    }
    var j = min(top_len, rounds - 1u);
    top_len = min(top_len + 1u, rounds);
    while (j > 0u && before(x, i, top_val[j - 1u], top_idx[j - 1u])) {
      top_val[j] = top_val[j - 1u];
      top_idx[j] = top_idx[j - 1u];
      j--;
    }
    top_val[j] = x;
    top_idx[j] = i;
  }

  // Step 1b: merge the 64 sorted lists, one candidate per round.
  var head = 0u;
  for (var r = 0u; r < rounds; r++) {
    var v = 0.0;
    var idx = NONE;
    if (head < top_len) {
      v = top_val[head];
      idx = top_idx[head];
    }
    offer_val[lid] = v;
    offer_idx[lid] = idx;
    workgroupBarrier();
    if (lid < GROUP) {
      var best_v = offer_val[lid * GROUP];
      var best_i = offer_idx[lid * GROUP];
      for (var o = lid * GROUP + 1u; o < lid * GROUP + GROUP; o++) {
        if (before(offer_val[o], offer_idx[o], best_v, best_i)) {
          best_v = offer_val[o];
          best_i = offer_idx[o];
        }
      }
      group_val[lid] = best_v;
      group_idx[lid] = best_i;
    }
    workgroupBarrier();
    if (lid == 0u) {
      var best_v = group_val[0];
      var best_i = group_idx[0];
      for (var g = 1u; g < GROUP; g++) {
        if (before(group_val[g], group_idx[g], best_v, best_i)) {
          best_v = group_val[g];
          best_i = group_idx[g];
        }
      }
      cand_val[r] = best_v;
      cand_idx[r] = best_i;
    }
    workgroupBarrier();
    if (idx != NONE && idx == cand_idx[r]) {
      head++;
    }
  }

  // Steps 2-3: weights and chunk sums.
  let max_val = cand_val[0];
  let n = select(V, rounds, truncating);
  let L = (n + WG - 1u) / WG;
  let start = min(lid * L, n);
  let end = min(start + L, n);
  var sum = 0.0;
  for (var e = start; e < end; e++) {
    sum += weight(e, truncating, base, max_val);
  }
  chunk_sums[lid] = sum;
  workgroupBarrier();

  // Step 4: one invocation walks the chunks, then the chosen chunk.
  if (lid == 0u) {
    var total = 0.0;
    for (var c = 0u; c < WG; c++) {
      total += chunk_sums[c];
    }
    let coin = clamp(coins[row], 0.0, MAX_COIN);
    let threshold = coin * total;
    var before_chunk = 0.0;
    var chunk = 0u;
    for (var c = 0u; c < WG; c++) {
      let running = before_chunk + chunk_sums[c];
      if (running > threshold) {
        chunk = c;
        break;
      }
      before_chunk = running;
    }
    let first = min(chunk * L, n);
    let last = min(first + L, n);
    var pick = max(last, 1u) - 1u;
    var partial = 0.0;
    for (var e = first; e < last; e++) {
      partial += weight(e, truncating, base, max_val);
      if (before_chunk + partial > threshold) {
        pick = e;
        break;
      }
    }
    tokens[row] = select(pick, cand_idx[pick], truncating);
  }
}

// Weight of candidate e: exp((x - max) * inv_temperature).
fn weight(e: u32, truncating: bool, base: u32, max_val: f32) -> f32 {
  var x: f32;
  if (truncating) {
    x = cand_val[e];
  } else {
    x = logits[base + e];
  }
  return exp((x - max_val) * params.inv_temperature);
}
