import type { GpuContext } from '../client/gpu/device';
import type { KernelSpec } from '../client/gpu/kernel';
import type { KernelRunner, PreparedDispatch } from '../client/gpu/runner';
import type { Tfjs } from './tfjs-peer';

/**
 * One benchmark case of one kernel variant at one shape. `setup` allocates
 * and prepares everything; the timed part is only dispatches (ours) or only
 * TF.js ops (the peer), on the same device.
 */
export interface BenchCase {
  kernel: string;
  variant: string;
  /** Dimension names and sizes, e.g. { BT: 512, C: 512, OC: 512 }. */
  shape: Record<string, number>;
  size: 'small' | 'medium';
  /** Floating-point operations per call (compute-bound kernels report GFLOP/s). */
  flops?: number;
  /** Bytes moved per call, at least once each (memory-bound kernels report GB/s). */
  bytes?: number;
  setup: (runner: KernelRunner) => Promise<BenchRun>;
  peer?: PeerCase;
}

export interface BenchRun {
  /** Dispatches for one call, in order. */
  dispatches: PreparedDispatch[];
  destroy: () => void;
}

export interface PeerCase {
  name: 'tfjs-webgpu';
  setup: (tf: Tfjs) => PeerRun;
}

export interface PeerRun {
  /** One call; returns the tensors to dispose. */
  run: () => { dispose: () => void } | { dispose: () => void }[];
  destroy: () => void;
}

export interface Timing {
  ms: number;
  gflops?: number;
  gbps?: number;
}

/** Aim for this much GPU time per measured trial; the best of three trials counts. */
const TRIAL_MS = 250;
const MAX_REPS = 500;

/** Milliseconds per call of our dispatches: many calls in one pass, best of three trials. */
export async function timeOurs(runner: KernelRunner, run: BenchRun): Promise<number> {
  const trial = async (reps: number) => {
    const repeated: PreparedDispatch[] = [];
    for (let i = 0; i < reps; i++) repeated.push(...run.dispatches);
    const start = performance.now();
    await runner.submit(repeated);
    await runner.device.queue.onSubmittedWorkDone();
    return (performance.now() - start) / reps;
  };
  await trial(1); // warm-up: first use may compile or page in
  const estimate = await trial(1);
  const reps = Math.max(1, Math.min(MAX_REPS, Math.ceil(TRIAL_MS / Math.max(estimate, 1e-3))));
  const trials = [await trial(reps), await trial(reps), await trial(reps)];
  return Math.min(...trials);
}

/** Milliseconds per call of a TF.js op on the shared device, measured the same way. */
export async function timePeer(tf: Tfjs, gpu: GpuContext, peer: PeerRun): Promise<number> {
  // TF.js batches ops into one command encoder; flush it the way its own readback does.
  const backend = tf.backend() as unknown as {
    endComputePassEncoder: () => void;
    submitQueue: () => void;
    commandEncoder: GPUCommandEncoder | null;
  };
  const trial = async (reps: number) => {
    const start = performance.now();
    for (let i = 0; i < reps; i++) {
      const out = peer.run();
      for (const t of Array.isArray(out) ? out : [out]) t.dispose();
    }
    if (backend.commandEncoder) {
      backend.endComputePassEncoder();
      backend.submitQueue();
    }
    await gpu.device.queue.onSubmittedWorkDone();
    return (performance.now() - start) / reps;
  };
  await trial(1);
  const estimate = await trial(1);
  const reps = Math.max(1, Math.min(MAX_REPS, Math.ceil(TRIAL_MS / Math.max(estimate, 1e-3))));
  const trials = [await trial(reps), await trial(reps), await trial(reps)];
  return Math.min(...trials);
}

/** ms plus GFLOP/s or GB/s, rounded for printing. */
export function rates(c: Pick<BenchCase, 'flops' | 'bytes'>, ms: number): Timing {
  const round = (x: number) => Number(x.toPrecision(4));
  const timing: Timing = { ms: round(ms) };
  if (c.flops !== undefined) timing.gflops = round(c.flops / (ms * 1e6));
  if (c.bytes !== undefined) timing.gbps = round(c.bytes / (ms * 1e6));
  return timing;
}

/** A bench run of one prepared dispatch over `buffers`, which it owns and frees. */
export async function singleDispatch<B extends string, U extends string>(
  runner: KernelRunner,
  spec: KernelSpec<B, U>,
  buffers: Record<B, GPUBuffer | null>,
  uniforms: Record<U, number>,
): Promise<BenchRun> {
  const prepared = await runner.prepare(spec, buffers, uniforms);
  return {
    dispatches: [prepared],
    destroy: () => {
      prepared.uniformBuffer?.destroy();
      for (const b of Object.values<GPUBuffer | null>(buffers)) b?.destroy();
    },
  };
}
