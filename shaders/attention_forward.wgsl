// attention_forward: causal multi-head self-attention, fused (flash-style).
//   qkv (B, T, 3C) with q, k, v side by side on the last axis (llm.c layout);
//   head h reads channels h*HS..(h+1)*HS of each, HS = C / NH <= 128.
//   out (B, T, C) = softmax(q·kᵀ/sqrt(HS), causal) · v, heads side by side.
//   stats (B, NH, T) = logsumexp of each row of scaled scores, m + log(l):
//   all the backward needs to rebuild the probabilities. The (T, T) matrix is
//   never stored.
//
// Tiling: one workgroup per (64 query rows, head, batch); one invocation per
// query row keeps that row's q and its output accumulator in private arrays.
// The keys and values the block can see (0 .. last row of the block) stream
// through workgroup memory in tiles of TILE_FLOATS / HS rows (K and V tiles of
// 4 KiB each, 8 KiB in all: within WebGPU's guaranteed 16 KiB; 16 KiB tiles
// compiled 2-4x slower on SwiftShader and ran no faster), loaded once per tile
// and shared by all 64 rows. Each row keeps an online softmax: running max m and
// running sum l; when a new score raises m, l and the accumulator are rescaled
// by exp(m_old - m_new). Keys are visited in order 0..t: deterministic.
// Rows past T (the last block of a sequence) load tiles and hit the barriers
// but compute and write nothing.

struct Params {
  B: u32, // sizes the buffers and the dispatch; the kernel reads it from workgroup_id.z
  T: u32,
  C: u32,
  NH: u32,
}

@group(0) @binding(0) var<storage, read_write> out: array<f32>; // (B, T, C)
@group(0) @binding(1) var<storage, read_write> stats: array<f32>; // (B, NH, T)
@group(0) @binding(2) var<storage, read> qkv: array<f32>; // (B, T, 3C)
@group(0) @binding(3) var<uniform> params: Params;

const BLOCK_Q = 64u; // query rows per workgroup, one invocation each
const MAX_HS = 128u; // the launcher checks HS <= MAX_HS
const TILE_FLOATS = 1024u; // floats per tile: 8 rows of HS = 128, 16 of HS = 64
const LOWEST = -3.0e38; // the running max before any key: exp(LOWEST - s) is 0

var<workgroup> k_tile: array<f32, TILE_FLOATS>; // (rows, HS)
var<workgroup> v_tile: array<f32, TILE_FLOATS>; // (rows, HS)

@compute @workgroup_size(64, 1, 1)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let T = params.T;
  let C = params.C;
  let HS = C / params.NH;
  let C3 = 3u * C;
  let h = wg.y;
  let b = wg.z;
  let q0 = wg.x * BLOCK_Q;
  let t = q0 + lid;
  let in_range = t < T;
  let scale = 1.0 / sqrt(f32(HS));

  var q: array<f32, MAX_HS>;
  var acc: array<f32, MAX_HS>; // Σ exp(s - m) · v, zero-initialised
  if (in_range) {
    let q_row = (b * T + t) * C3 + h * HS;
    for (var c = 0u; c < HS; c++) {
      q[c] = qkv[q_row + c];
    }
  }
  var m = LOWEST;
  var l = 0.0;

  // Keys 0 .. kv_end - 1 are visible to some row of this block.
  let kv_end = min(q0 + BLOCK_Q, T);
  let rows = TILE_FLOATS / HS;
  for (var k0 = 0u; k0 < kv_end; k0 += rows) {
    let n = min(rows, kv_end - k0);
    workgroupBarrier(); // every row is done with the previous tile
    for (var i = lid; i < n * HS; i += BLOCK_Q) {
      let r = i / HS;
      let src = (b * T + k0 + r) * C3 + h * HS + (i - r * HS);
      k_tile[i] = qkv[src + C];
      v_tile[i] = qkv[src + 2u * C];
    }
    workgroupBarrier();
    if (in_range && t >= k0) {
      let visible = min(n, t + 1u - k0); // causal: keys k0 .. t of this tile
      for (var r = 0u; r < visible; r++) {
        var s = 0.0;
        for (var c = 0u; c < HS; c++) {
          s += q[c] * k_tile[r * HS + c];
        }
        s *= scale;
        if (s > m) {
          let correction = exp(m - s);
          l *= correction;
          for (var c = 0u; c < HS; c++) {
            acc[c] *= correction;
          }
          m = s;
        }
        let p = exp(s - m);
        l += p;
        for (var c = 0u; c < HS; c++) {
          acc[c] += p * v_tile[r * HS + c];
        }
      }
    }
  }

  if (in_range) {
    let o_row = (b * T + t) * C + h * HS;
    for (var c = 0u; c < HS; c++) {
      out[o_row + c] = acc[c] / l;
    }
    stats[(b * params.NH + h) * T + t] = m + log(l);
  }
}
