import type { Tensor } from '@tensorflow/tfjs-core';
import { createStorageBuffer } from '../../client/gpu/buffers';
import type { KernelRunner } from '../../client/gpu/runner';
import { randomFloats } from '../../client/numerics/random';
import { prepareAttentionBackward, prepareAttentionForward } from '../../shaders/attention';
import {
  prepareAttentionBackwardMaterialised,
  prepareAttentionForwardMaterialised,
} from '../../shaders/attention_materialised';
import type { BenchCase, PeerCase } from '../harness';
import type { Tfjs } from '../tfjs-peer';

/**
 * Causal self-attention, qkv (B, T, 3C) -> out (B, T, C), three ways on one
 * device: fused (flash-style, keeps stats (B, NH, T)), materialised (preatt and
 * att (B, NH, T, T)), and TF.js ops (which also build the (B, NH, T, T) matrix).
 *
 * FLOPs are dense-equivalent, as if no key were masked: forward 4·B·NH·T²·HS
 * (q·kᵀ and att·v), backward 8·B·NH·T²·HS (dv, dp, dq, dk; our recomputation of
 * q·kᵀ is not counted). The causal kernels do about half of that, so compare
 * variants by ms; GFLOP/s is only a common scale.
 */

type Shape = { B: number; T: number; C: number; NH: number };

const SHAPES: { shape: Shape; size: BenchCase['size'] }[] = [
  { shape: { B: 1, T: 64, C: 64, NH: 4 }, size: 'small' },
  { shape: { B: 2, T: 256, C: 128, NH: 2 }, size: 'medium' },
];

/**
 * Bytes of intermediates beyond qkv, out and dqkv: what fusing saves. Fused:
 * stats (B, NH, T), plus dsum (B, NH, T) for the backward. Materialised:
 * preatt and att (B, NH, T, T), plus datt and dpreatt for the backward.
 */
export function attentionScratchBytes({ B, T, NH }: Shape, variant: 'fused' | 'materialised', backward: boolean) {
  const fused = (backward ? 2 : 1) * B * NH * T; // stats [+ dsum]
  const materialised = (backward ? 4 : 2) * B * NH * T * T; // preatt, att [+ datt, dpreatt]
  return 4 * (variant === 'fused' ? fused : materialised);
}

const denseFlops = ({ B, T, C, NH }: Shape) => B * NH * T * T * (C / NH); // B·NH·T²·HS

/** (B, T, C) <-> (B, NH, T, HS): the heads of q, k, v or out, and back. */
const toHeads = (tf: Tfjs, x: Tensor, { B, T, C, NH }: Shape) =>
  tf.transpose(tf.reshape(x, [B, T, NH, C / NH]), [0, 2, 1, 3]);
const fromHeads = (tf: Tfjs, x: Tensor, { B, T, C }: Shape) => tf.reshape(tf.transpose(x, [0, 2, 1, 3]), [B, T, C]);

/** TF.js attention from ops: split qkv, q·kᵀ·scale + causal mask, softmax, ·v. Returns att (B, NH, T, T) too. */
function tfAttention(tf: Tfjs, qkv: Tensor, mask: Tensor, s: Shape) {
  const [q, k, v] = tf.split(qkv, 3, 2).map((x) => toHeads(tf, x, s)) as [Tensor, Tensor, Tensor];
  const scale = 1 / Math.sqrt(s.C / s.NH);
  const att = tf.softmax(tf.add(tf.mul(tf.matMul(q, k, false, true), scale), mask)); // (B, NH, T, T)
  return { q, k, v, att, scale, out: fromHeads(tf, tf.matMul(att, v), s) };
}

/**
 * The backward from ops, as llm.c's attention_backward: dv = attᵀ·dout,
 * datt = dout·vᵀ, dpreatt = att ⊙ (datt - Σ_t2 att·datt), dq = dpreatt·k·scale,
 * dk = dpreattᵀ·q·scale; dqkv = [dq, dk, dv]. (tfjs-core's tf.grad would need
 * its gradient registry, which bench/tfjs-peer.ts does not load.)
 */
function tfAttentionBackward(tf: Tfjs, qkv: Tensor, dout: Tensor, mask: Tensor, s: Shape) {
  const { q, k, v, att, scale } = tfAttention(tf, qkv, mask, s);
  const d = toHeads(tf, dout, s); // (B, NH, T, HS)
  const dv = tf.matMul(att, d, true, false);
  const datt = tf.matMul(d, v, false, true); // (B, NH, T, T)
  const dpreatt = tf.mul(att, tf.sub(datt, tf.sum(tf.mul(att, datt), -1, true)));
  const dq = tf.mul(tf.matMul(dpreatt, k), scale);
  const dk = tf.mul(tf.matMul(dpreatt, q, true, false), scale);
  return tf.concat(
    [dq, dk, dv].map((x) => fromHeads(tf, x, s)),
    2,
  ); // (B, T, 3C)
}

/** (T, T) additive mask: 0 on and below the diagonal, -1e9 above (keys after the query). */
function causalMask(tf: Tfjs, T: number) {
  const mask = new Float32Array(T * T);
  for (let t = 0; t < T; t++) for (let t2 = t + 1; t2 < T; t2++) mask[t * T + t2] = -1e9;
  return tf.tensor2d(mask, [T, T]);
}

function tfPeer(s: Shape, withBackward: boolean): PeerCase {
  return {
    name: 'tfjs-webgpu',
    setup: (tf) => {
      const { B, T, C } = s;
      const qkv = tf.tensor3d(randomFloats(B * T * 3 * C, 1), [B, T, 3 * C]);
      const dout = tf.tensor3d(randomFloats(B * T * C, 2), [B, T, C]);
      const mask = causalMask(tf, T);
      return {
        run: () =>
          tf.tidy(() =>
            withBackward ? tfAttentionBackward(tf, qkv, dout, mask, s) : tfAttention(tf, qkv, mask, s).out,
          ),
        destroy: () => tf.dispose([qkv, dout, mask]),
      };
    },
  };
}

/** Buffers for one shape: inputs seeded, outputs and scratch zero. */
function allocate(runner: KernelRunner, { B, T, C, NH }: Shape) {
  const gpu = runner.gpu;
  return {
    qkv: createStorageBuffer(gpu, 'qkv', randomFloats(B * T * 3 * C, 1)),
    dout: createStorageBuffer(gpu, 'dout', randomFloats(B * T * C, 2)),
    out: createStorageBuffer(gpu, 'out', B * T * C),
    stats: createStorageBuffer(gpu, 'stats', B * NH * T),
    dsum: createStorageBuffer(gpu, 'dsum', B * NH * T),
    dqkv: createStorageBuffer(gpu, 'dqkv', B * T * 3 * C),
  };
}

function fusedForward({ shape, size }: (typeof SHAPES)[number]): BenchCase {
  const { B, T, C, NH } = shape;
  return {
    kernel: 'attention_forward',
    variant: 'fused',
    shape,
    size,
    flops: 4 * denseFlops(shape),
    setup: async (runner) => {
      const b = allocate(runner, shape);
      const dispatches = await prepareAttentionForward(runner, b.out, b.stats, b.qkv, B, T, C, NH);
      return { dispatches, destroy: () => destroyAll(dispatches, Object.values(b)) };
    },
    peer: tfPeer(shape, false),
  };
}

function materialisedForward({ shape, size }: (typeof SHAPES)[number]): BenchCase {
  const { B, T, C, NH } = shape;
  return {
    kernel: 'attention_forward',
    variant: 'materialised',
    shape,
    size,
    flops: 4 * denseFlops(shape),
    setup: async (runner) => {
      const b = allocate(runner, shape);
      const preatt = createStorageBuffer(runner.gpu, 'preatt', B * NH * T * T);
      const att = createStorageBuffer(runner.gpu, 'att', B * NH * T * T);
      const dispatches = await prepareAttentionForwardMaterialised(
        runner,
        b.out,
        b.stats,
        preatt,
        att,
        b.qkv,
        B,
        T,
        C,
        NH,
      );
      return { dispatches, destroy: () => destroyAll(dispatches, [...Object.values(b), preatt, att]) };
    },
    peer: tfPeer(shape, false),
  };
}

/** Forward then backward, as in a training step; the TF.js peer also runs both. */
function fusedForwardBackward({ shape, size }: (typeof SHAPES)[number]): BenchCase {
  const { B, T, C, NH } = shape;
  return {
    kernel: 'attention_forward_backward',
    variant: 'fused',
    shape,
    size,
    flops: 12 * denseFlops(shape),
    setup: async (runner) => {
      const b = allocate(runner, shape);
      const dispatches = [
        ...(await prepareAttentionForward(runner, b.out, b.stats, b.qkv, B, T, C, NH)),
        ...(await prepareAttentionBackward(runner, b.dqkv, b.dsum, b.dout, b.qkv, b.out, b.stats, B, T, C, NH)),
      ];
      return { dispatches, destroy: () => destroyAll(dispatches, Object.values(b)) };
    },
    peer: tfPeer(shape, true),
  };
}

function materialisedForwardBackward({ shape, size }: (typeof SHAPES)[number]): BenchCase {
  const { B, T, C, NH } = shape;
  return {
    kernel: 'attention_forward_backward',
    variant: 'materialised',
    shape,
    size,
    flops: 12 * denseFlops(shape),
    setup: async (runner) => {
      const b = allocate(runner, shape);
      const [preatt, att, datt, dpreatt] = ['preatt', 'att', 'datt', 'dpreatt'].map((label) =>
        createStorageBuffer(runner.gpu, label, B * NH * T * T),
      ) as [GPUBuffer, GPUBuffer, GPUBuffer, GPUBuffer];
      const dispatches = [
        ...(await prepareAttentionForwardMaterialised(runner, b.out, b.stats, preatt, att, b.qkv, B, T, C, NH)),
        ...(await prepareAttentionBackwardMaterialised(runner, b.dqkv, dpreatt, datt, b.dout, b.qkv, att, B, T, C, NH)),
      ];
      return { dispatches, destroy: () => destroyAll(dispatches, [...Object.values(b), preatt, att, datt, dpreatt]) };
    },
    peer: tfPeer(shape, true),
  };
}

function destroyAll(dispatches: { uniformBuffer: GPUBuffer | null }[], buffers: GPUBuffer[]) {
  for (const d of dispatches) d.uniformBuffer?.destroy();
  for (const b of buffers) b.destroy();
}

export const attentionBenches: BenchCase[] = SHAPES.flatMap((s) => [
  fusedForward(s),
  materialisedForward(s),
  fusedForwardBackward(s),
  materialisedForwardBackward(s),
]);
