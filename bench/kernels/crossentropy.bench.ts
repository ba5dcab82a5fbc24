import { createStorageBuffer } from '../../client/gpu/buffers';
import { randomFloats } from '../../client/numerics/random';
import { crossentropyForwardSpec, crossentropyFusedSpec } from '../../shaders/crossentropy';
import { type BenchCase, singleDispatch } from '../harness';

/** Targets in [0, V) and the flat (bt·V + target) indices TF.js gathers with. */
function targetsFor(BT: number, V: number): { targets: Uint32Array; flat: Int32Array } {
  const targets = Uint32Array.from(randomFloats(BT, 3), (x) => Math.floor(((x + 1) / 2) * V) % V);
  return { targets, flat: Int32Array.from(targets, (t, bt) => bt * V + t) };
}

/**
 * crossentropy_forward: memory-bound (reads the logits once) — bytes. Peer:
 * -gather(logSoftmax(logits), targets), tfjs-core ops on our device.
 */
function forwardCase(BT: number, V: number, size: BenchCase['size']): BenchCase {
  return {
    kernel: 'crossentropy_forward',
    variant: 'wg64-online',
    shape: { BT, V },
    size,
    bytes: BT * V * 4 + BT * 8,
    setup: async (runner) => {
      const { targets } = targetsFor(BT, V);
      const buffers = {
        losses: createStorageBuffer(runner.gpu, 'losses', BT),
        logits: createStorageBuffer(runner.gpu, 'logits', randomFloats(BT * V, 1, 3)),
        targets: createStorageBuffer(runner.gpu, 'targets', targets),
      };
      return singleDispatch(runner, crossentropyForwardSpec, buffers, { BT, V });
    },
    peer: {
      name: 'tfjs-webgpu',
      setup: (tf) => {
        const logits = tf.tensor2d(randomFloats(BT * V, 1, 3), [BT, V]);
        const flat = tf.tensor1d(targetsFor(BT, V).flat, 'int32');
        return {
          run: () => tf.tidy(() => tf.neg(tf.gather(tf.reshape(tf.logSoftmax(logits), [BT * V]), flat))),
          destroy: () => tf.dispose([logits, flat]),
        };
      },
    },
  };
}

/**
 * crossentropy_fused (losses + dlogits): reads the logits twice, writes
 * dlogits — bytes. Peer: logSoftmax, gather, (exp(logp) - onehot) · dloss.
 */
function fusedCase(BT: number, V: number, size: BenchCase['size']): BenchCase {
  return {
    kernel: 'crossentropy_fused',
    variant: 'wg64-online',
    shape: { BT, V },
    size,
    bytes: 2 * BT * V * 4 + BT * 12,
    setup: async (runner) => {
      const { targets } = targetsFor(BT, V);
      const buffers = {
        losses: createStorageBuffer(runner.gpu, 'losses', BT),
        dlogits: createStorageBuffer(runner.gpu, 'dlogits', BT * V),
        logits: createStorageBuffer(runner.gpu, 'logits', randomFloats(BT * V, 1, 3)),
        dlosses: createStorageBuffer(runner.gpu, 'dlosses', new Float32Array(BT).fill(1 / BT)),
        targets: createStorageBuffer(runner.gpu, 'targets', targets),
      };
      return singleDispatch(runner, crossentropyFusedSpec, buffers, { BT, V });
    },
    peer: {
      name: 'tfjs-webgpu',
      setup: (tf) => {
        const { targets, flat } = targetsFor(BT, V);
        const logits = tf.tensor2d(randomFloats(BT * V, 1, 3), [BT, V]);
        const flatIdx = tf.tensor1d(flat, 'int32');
        const onehot = tf.oneHot(tf.tensor1d(Int32Array.from(targets), 'int32'), V);
        const dloss = tf.fill([BT, 1], 1 / BT);
        return {
          run: () =>
            tf.tidy(() => {
              const logp = tf.logSoftmax(logits);
              const losses = tf.neg(tf.gather(tf.reshape(logp, [BT * V]), flatIdx));
              const dlogits = tf.mul(tf.sub(tf.exp(logp), onehot), dloss);
              return [losses, dlogits];
            }),
          destroy: () => tf.dispose([logits, flatIdx, onehot, dloss]),
        };
      },
    },
  };
}

// Rows scaled for SwiftShader: GPT-2's V = 50257 and a byte-level V = 256.
export const crossentropyBenches: BenchCase[] = [
  forwardCase(8, 50257, 'small'),
  forwardCase(256, 256, 'small'),
  forwardCase(64, 50257, 'medium'),
  forwardCase(4096, 256, 'medium'),
  fusedCase(8, 50257, 'small'),
  fusedCase(256, 256, 'small'),
  fusedCase(64, 50257, 'medium'),
  fusedCase(4096, 256, 'medium'),
];
