// attention_backward_dkv: second of the two fused attention backward kernels;
// runs after attention_backward_dq, whose dsum it reads.
//   Inputs: dout (B, T, C), qkv (B, T, 3C), stats (B, NH, T) (the forward's
//   logsumexp per score row), dsum (B, NH, T) = Σ_c dout·out per query row.
//   Output: dqkv[b, j, C:2C] = dk and dqkv[b, j, 2C:3C] = dv, ASSIGNED.
// With p_ij = exp(q_i·k_j·scale - lse_i), dp_ij = dout_i·v_j and
// ds_ij = p_ij · (dp_ij - dsum_i), for key row j:
//   dv_j = Σ_{i >= j} p_ij · dout_i,   dk_j = scale · Σ_{i >= j} ds_ij · q_i.
//
// Tiling: the transpose of attention_backward_dq. One workgroup per (64 key
// rows, head, batch), one invocation per key row holding k, v, dk and dv in
// private arrays; the queries that see the block (its first row .. T-1)
// stream through workgroup memory as Q and dout tiles of TILE_FLOATS / HS rows
// (8 KiB in all). A tile row's lse and dsum are one float each, read by every
// invocation from storage. Queries are summed in order j..T-1: deterministic.

struct Params {
  B: u32, // sizes the buffers and the dispatch; the kernel reads it from workgroup_id.z
  T: u32,
  C: u32,
  NH: u32,
}

@group(0) @binding(0) var<storage, read_write> dqkv: array<f32>; // (B, T, 3C)
@group(0) @binding(1) var<storage, read> dout: array<f32>; // (B, T, C)
@group(0) @binding(2) var<storage, read> qkv: array<f32>; // (B, T, 3C)
@group(0) @binding(3) var<storage, read> stats: array<f32>; // (B, NH, T)
@group(0) @binding(4) var<storage, read> dsum: array<f32>; // (B, NH, T)
@group(0) @binding(5) var<uniform> params: Params;

const BLOCK_K = 64u; // key rows per workgroup, one invocation each
const MAX_HS = 128u; // the launcher checks HS <= MAX_HS
const TILE_FLOATS = 1024u; // floats per tile: 8 rows of HS = 128, 16 of HS = 64

var<workgroup> q_tile: array<f32, TILE_FLOATS>; // (rows, HS)
var<workgroup> do_tile: array<f32, TILE_FLOATS>; // (rows, HS)

@compute @workgroup_size(64, 1, 1)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let T = params.T;
  let C = params.C;
  let HS = C / params.NH;
  let C3 = 3u * C;
  let h = wg.y;
  let b = wg.z;
  let j0 = wg.x * BLOCK_K;
  let j = j0 + lid;
  let in_range = j < T;
  let scale = 1.0 / sqrt(f32(HS));
  let stat_row = (b * params.NH + h) * T; // stats and dsum of (b, h, 0)

  var k: array<f32, MAX_HS>;
  var v: array<f32, MAX_HS>;
  var dk: array<f32, MAX_HS>; // Σ ds · q, zero-initialised
  var dv: array<f32, MAX_HS>; // Σ p · dout, zero-initialised
  if (in_range) {
    let k_row = (b * T + j) * C3 + C + h * HS;
    for (var c = 0u; c < HS; c++) {
      k[c] = qkv[k_row + c];
      v[c] = qkv[k_row + C + c];
    }
  }

  let rows = TILE_FLOATS / HS;
  for (var i0 = j0; i0 < T; i0 += rows) {
    let n = min(rows, T - i0);
    workgroupBarrier(); // every row is done with the previous tile
    for (var i = lid; i < n * HS; i += BLOCK_K) {
      let r = i / HS;
      let c = i - r * HS;
      q_tile[i] = qkv[(b * T + i0 + r) * C3 + h * HS + c];
      do_tile[i] = dout[(b * T + i0 + r) * C + h * HS + c];
    }
    workgroupBarrier();
    if (in_range && j < i0 + n) {
      // Causal: only queries i >= j of this tile see key j.
      for (var r = select(0u, j - i0, j > i0); r < n; r++) {
        var s = 0.0;
        var dp = 0.0;
        for (var c = 0u; c < HS; c++) {
          s += q_tile[r * HS + c] * k[c];
          dp += do_tile[r * HS + c] * v[c];
        }
        let p = exp(s * scale - stats[stat_row + i0 + r]);
        let ds = p * (dp - dsum[stat_row + i0 + r]);
        for (var c = 0u; c < HS; c++) {
          dv[c] += p * do_tile[r * HS + c];
          dk[c] += ds * q_tile[r * HS + c];
        }
      }
    }
  }

  if (in_range) {
    let k_row = (b * T + j) * C3 + C + h * HS;
    for (var c = 0u; c < HS; c++) {
      dqkv[k_row + c] = dk[c] * scale;
      dqkv[k_row + C + c] = dv[c];
    }
  }
}
