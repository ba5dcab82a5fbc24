// attention_backward_dq: first of the two fused attention backward kernels.
//   Inputs: dout (B, T, C), qkv (B, T, 3C), out (B, T, C), stats (B, NH, T)
//   (the forward's logsumexp per score row). Outputs:
//   dsum (B, NH, T) = Σ_c dout·out over the head's channels, per query row;
//     the softmax backward needs it, and attention_backward_dkv reads it next;
//   dqkv[b, t, 0:C] = dq (B, T, C part of (B, T, 3C)), ASSIGNED.
// With p = exp(q·k·scale - lse) rebuilt from stats, dp = dout·v and
// ds = p · (dp - dsum):  dq_t = scale · Σ_{j <= t} ds_tj · k_j.
//
// Tiling: as attention_forward. One workgroup per (64 query rows, head, batch),
// one invocation per query row holding q, dout and the dq accumulator in
// private arrays; keys and values 0 .. last row of the block stream through
// workgroup memory in K and V tiles of TILE_FLOATS / HS rows (8 KiB in all).
// Keys are summed in order 0..t, so the result is deterministic.

struct Params {
  B: u32, // sizes the buffers and the dispatch; the kernel reads it from workgroup_id.z
  T: u32,
  C: u32,
  NH: u32,
}

@group(0) @binding(0) var<storage, read_write> dqkv: array<f32>; // (B, T, 3C)
@group(0) @binding(1) var<storage, read_write> dsum: array<f32>; // (B, NH, T)
@group(0) @binding(2) var<storage, read> dout: array<f32>; // (B, T, C)
@group(0) @binding(3) var<storage, read> qkv: array<f32>; // (B, T, 3C)
@group(0) @binding(4) var<storage, read> out: array<f32>; // (B, T, C)
@group(0) @binding(5) var<storage, read> stats: array<f32>; // (B, NH, T)
@group(0) @binding(6) var<uniform> params: Params;

const BLOCK_Q = 64u; // query rows per workgroup, one invocation each
const MAX_HS = 128u; // the launcher checks HS <= MAX_HS
const TILE_FLOATS = 1024u; // floats per tile: 8 rows of HS = 128, 16 of HS = 64

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
  var d_o: array<f32, MAX_HS>; // dout row of this head
  var dq: array<f32, MAX_HS>; // Σ ds · k, zero-initialised
  var lse = 0.0;
  var d_sum = 0.0;
  if (in_range) {
    let q_row = (b * T + t) * C3 + h * HS;
    let o_row = (b * T + t) * C + h * HS;
    for (var c = 0u; c < HS; c++) {
      q[c] = qkv[q_row + c];
      d_o[c] = dout[o_row + c];
      d_sum += d_o[c] * out[o_row + c];
    }
    let stat = (b * params.NH + h) * T + t;
    lse = stats[stat];
    dsum[stat] = d_sum;
  }

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
        var dp = 0.0;
        for (var c = 0u; c < HS; c++) {
          s += q[c] * k_tile[r * HS + c];
          dp += d_o[c] * v_tile[r * HS + c];
        }
        let p = exp(s * scale - lse);
        let ds = p * (dp - d_sum);
        for (var c = 0u; c < HS; c++) {
          dq[c] += ds * k_tile[r * HS + c];
        }
      }
    }
  }

  if (in_range) {
    let q_row = (b * T + t) * C3 + h * HS;
    for (var c = 0u; c < HS; c++) {
      dqkv[q_row + c] = dq[c] * scale;
    }
  }
}
