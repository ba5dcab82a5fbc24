import { adamwSpec, adamwUniforms } from '../../shaders/adamw';
import { attentionBackwardDkvSpec, attentionBackwardDqSpec, attentionForwardSpec } from '../../shaders/attention';
import { crossentropyForwardSpec, crossentropyFusedSpec } from '../../shaders/crossentropy';
import { encoderBackwardWpeSpec, encoderBackwardWteSpec, encoderForwardSpec } from '../../shaders/encoder';
import { bucketPositionsByToken } from '../../shaders/encoder_buckets';
import { geluBackwardSpec, geluForwardSpec } from '../../shaders/gelu';
import { prepareGradNorm } from '../../shaders/grad_norm';
import {
  type LayernormWorkgroupSize,
  layernormBackwardParamsPartialSpec,
  layernormBackwardParamsReduceSpec,
  layernormBackwardSpecFor,
  layernormForwardSpecFor,
} from '../../shaders/layernorm';
import { chooseLayernormWorkgroup } from '../../shaders/layernorm_select';
import { prepareMatmulBackward } from '../../shaders/matmul_backward';
import { MATMUL_FORWARD_VARIANTS, matmulForwardUniforms } from '../../shaders/matmul_forward';
import { chooseMatmulForward } from '../../shaders/matmul_select';
import { residualAccumulateSpecFor, residualForwardSpecFor } from '../../shaders/residual';
import { createStorageBuffer, readFloat32, writeStorageBuffer } from '../gpu/buffers';
import type { BoundBuffer } from '../gpu/kernel';
import type { KernelRunner, PreparedDispatch } from '../gpu/runner';
import { allocateGptBuffers, type GptBuffers } from './gpt-activations';
import type { GptConfig } from './gpt-config';
import { blockParamNames, gptParamLayout, type ParamLayout } from './gpt-params';

/**
 * The GPT on the GPU, assembled from the kernel library. Everything is
 * planned when it is built: buffers (gpt-activations.ts), pipelines and
 * bind groups for the forward, backward and AdamW dispatches. A training step
 * is then one command buffer: clear the gradients, forward, fused
 * cross-entropy, backward, global gradient norm, AdamW, and a copy of the
 * per-position losses into a staging buffer read back asynchronously.
 */

export interface AdamWHyperparameters {
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  /** Clip the global gradient norm to this; 0 or less disables clipping. */
  maxGradNorm: number;
}

export const DEFAULT_ADAMW: AdamWHyperparameters = {
  beta1: 0.9,
  beta2: 0.95,
  eps: 1e-8,
  weightDecay: 0.1,
  maxGradNorm: 1,
};

export interface GptGpuOptions {
  /** Allocate gradients and AdamW state and plan the backward (default true). */
  training?: boolean;
  adamw?: AdamWHyperparameters;
  /** Invocations per layernorm row: 4 suits CPU adapters, 64 GPUs (default: measured on this adapter). */
  layernormWorkgroup?: LayernormWorkgroupSize;
}

export class GptGpu {
  readonly layout: ParamLayout;
  readonly params: GPUBuffer;
  readonly grads: GPUBuffer | null;
  readonly m: GPUBuffer | null;
  readonly v: GPUBuffer | null;
  readonly buffers: GptBuffers;
  private forwardPlan: PreparedDispatch[] = [];
  private lossPlan: PreparedDispatch[] = [];
  private trainPlan: PreparedDispatch[] = [];
  private adamwDispatch: PreparedDispatch | null = null;
  private readonly staging: GPUBuffer[] = [];
  private stagingBusy: Promise<unknown>[] = [];
  private nextStaging = 0;
  readonly adamw: AdamWHyperparameters;

  private constructor(
    readonly runner: KernelRunner,
    readonly config: GptConfig,
    readonly B: number,
    readonly T: number,
    readonly training: boolean,
    adamw: AdamWHyperparameters,
  ) {
    if (T > config.contextLength) {
      throw new RangeError(`sequence length ${T} exceeds the model's context length ${config.contextLength}`);
    }
    this.adamw = adamw;
    const gpu = runner.gpu;
    this.layout = gptParamLayout(config);
    const floats = this.layout.totalFloats;
    this.params = createStorageBuffer(gpu, 'params', floats);
    this.grads = training ? createStorageBuffer(gpu, 'grads', floats) : null;
    this.m = training ? createStorageBuffer(gpu, 'adamw m', floats) : null;
    this.v = training ? createStorageBuffer(gpu, 'adamw v', floats) : null;
    this.buffers = allocateGptBuffers(gpu, config, B, T, floats, training);
    for (let i = 0; i < 3; i++) {
      this.staging.push(
        gpu.device.createBuffer({
          label: `losses readback ${i}`,
          size: B * T * 4,
          usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
        }),
      );
      this.stagingBusy.push(Promise.resolve());
    }
  }

  /** Builds a GPT for batches of (B, T): buffers, then every dispatch, prepared. */
  static async create(
    runner: KernelRunner,
    config: GptConfig,
    B: number,
    T: number,
    options: GptGpuOptions = {},
  ): Promise<GptGpu> {
    const model = new GptGpu(runner, config, B, T, options.training ?? true, options.adamw ?? DEFAULT_ADAMW);
    try {
      const lnWorkgroup =
        options.layernormWorkgroup ?? (await chooseLayernormWorkgroup(runner, B * T, config.channels));
      await model.plan(lnWorkgroup);
    } catch (err) {
      model.destroy();
      throw err;
    }
    return model;
  }

  /** Bytes of GPU memory this model holds (parameters, gradients, optimizer, activations). */
  get bytes(): number {
    const flat = this.params.size * (this.training ? 4 : 1);
    return flat + this.buffers.bytes;
  }

  /** A parameter tensor (or its gradient) bound on its own inside the flat buffer. */
  private slice(flat: GPUBuffer, name: string): BoundBuffer {
    const t = this.layout.byName.get(name);
    if (!t) throw new Error(`no parameter '${name}'`);
    return { buffer: flat, offset: t.offset * 4, size: t.size * 4 };
  }

  private async plan(lnWorkgroup: LayernormWorkgroupSize): Promise<void> {
    const { runner, B, T, config } = this;
    const { channels: C, heads: NH, vocabSize: V, layers: L } = config;
    const BT = B * T;
    const b = this.buffers;
    const p = (name: string) => this.slice(this.params, name);
    const prepare = runner.prepare.bind(runner);
    const lnForward = layernormForwardSpecFor(lnWorkgroup);
    const lnBackward = layernormBackwardSpecFor(lnWorkgroup);

    const matmul = async (
      out: BoundBuffer,
      inp: BoundBuffer,
      weight: BoundBuffer,
      bias: BoundBuffer | null,
      rows: number,
      cin: number,
      cout: number,
    ) => {
      const variant = await chooseMatmulForward(runner, { BT: rows, C: cin, OC: cout, bias: bias !== null });
      const uniforms = matmulForwardUniforms(bias as GPUBuffer | null, rows, cin, cout);
      return prepare(MATMUL_FORWARD_VARIANTS[variant].spec, { out, inp, weight, bias }, uniforms);
    };

    // Forward (llm.c gpt2_forward), up to the logits.
    const forward: PreparedDispatch[] = [];
    forward.push(
      await prepare(
        encoderForwardSpec,
        { out: b.encoded, inp: b.inputs, wte: p('wte'), wpe: p('wpe') },
        { B, T, C, V },
      ),
    );
    let residual = b.encoded;
    for (let l = 0; l < L; l++) {
      const n = blockParamNames(l);
      const a = b.blocks[l] as GptBuffers['blocks'][number];
      forward.push(
        await prepare(
          lnForward,
          { out: a.ln1, mean: a.ln1Mean, rstd: a.ln1Rstd, inp: residual, weight: p(n.ln1w), bias: p(n.ln1b) },
          { BT, C },
        ),
        await matmul(a.qkv, a.ln1, p(n.qkvw), p(n.qkvb), BT, C, 3 * C),
        await prepare(attentionForwardSpec, { out: a.atty, stats: a.attStats, qkv: a.qkv }, { B, T, C, NH }),
        await matmul(a.attproj, a.atty, p(n.attprojw), p(n.attprojb), BT, C, C),
        await prepare(
          residualForwardSpecFor(BT * C),
          { out: a.residual2, inp1: residual, inp2: a.attproj },
          { N: BT * C },
        ),
        await prepare(
          lnForward,
          { out: a.ln2, mean: a.ln2Mean, rstd: a.ln2Rstd, inp: a.residual2, weight: p(n.ln2w), bias: p(n.ln2b) },
          { BT, C },
        ),
        await matmul(a.fch, a.ln2, p(n.fcw), p(n.fcb), BT, C, 4 * C),
        await prepare(geluForwardSpec, { out: a.fchGelu, inp: a.fch }, { N: BT * 4 * C }),
        await matmul(a.fcproj, a.fchGelu, p(n.fcprojw), p(n.fcprojb), BT, 4 * C, C),
        await prepare(
          residualForwardSpecFor(BT * C),
          { out: a.residual3, inp1: a.residual2, inp2: a.fcproj },
          { N: BT * C },
        ),
      );
      residual = a.residual3;
    }
    forward.push(
      await prepare(
        lnForward,
        { out: b.lnf, mean: b.lnfMean, rstd: b.lnfRstd, inp: residual, weight: p('lnf.w'), bias: p('lnf.b') },
        { BT, C },
      ),
      // Weight-tied LM head: logits = lnf · wteᵀ.
      await matmul(b.logits, b.lnf, p('wte'), null, BT, C, V),
    );
    this.forwardPlan = forward;
    this.lossPlan = [
      ...forward,
      await prepare(crossentropyForwardSpec, { losses: b.losses, logits: b.logits, targets: b.targets }, { BT, V }),
    ];
    if (!this.training) return;

    // Backward (llm.c gpt2_backward). Parameter gradients accumulate into the
    // zeroed flat buffer; activation gradients are assigned.
    const d = b.backward;
    const grads = this.grads;
    if (!d || !grads || !this.m || !this.v) throw new Error('training buffers missing');
    writeStorageBuffer(runner.gpu, d.dlosses, new Float32Array(BT).fill(1 / BT));
    const g = (name: string) => this.slice(grads, name);
    const lnBack = async (
      dinp: BoundBuffer,
      dweight: BoundBuffer,
      dbias: BoundBuffer,
      dout: BoundBuffer,
      inp: BoundBuffer,
      weight: BoundBuffer,
      mean: BoundBuffer,
      rstd: BoundBuffer,
    ) => [
      await prepare(lnBackward, { dinp, dout, inp, weight, mean, rstd }, { BT, C }),
      await prepare(layernormBackwardParamsPartialSpec, { scratch: d.lnScratch, dout, inp, mean, rstd }, { BT, C }),
      await prepare(layernormBackwardParamsReduceSpec, { dweight, dbias, scratch: d.lnScratch }, { BT, C }),
    ];
    const mmBack = (
      dinp: BoundBuffer,
      dweight: BoundBuffer,
      dbias: BoundBuffer | null,
      dout: BoundBuffer,
      inp: BoundBuffer,
      weight: BoundBuffer,
      rows: number,
      cin: number,
      cout: number,
    ) =>
      prepareMatmulBackward(
        runner,
        dinp as GPUBuffer,
        dweight as GPUBuffer,
        dbias as GPUBuffer | null,
        dout as GPUBuffer,
        inp as GPUBuffer,
        weight as GPUBuffer,
        rows,
        cin,
        cout,
      );
    const accumulate = (dst: GPUBuffer, src: GPUBuffer) =>
      prepare(residualAccumulateSpecFor(BT * C), { dst, src }, { N: BT * C });

    const backward: PreparedDispatch[] = [
      await prepare(
        crossentropyFusedSpec,
        { losses: b.losses, dlogits: d.dlogits, logits: b.logits, dlosses: d.dlosses, targets: b.targets },
        { BT, V },
      ),
      ...(await mmBack(d.dln, g('wte'), null, d.dlogits, b.lnf, p('wte'), BT, C, V)),
      ...(await lnBack(d.dresidual, g('lnf.w'), g('lnf.b'), d.dln, residual, p('lnf.w'), b.lnfMean, b.lnfRstd)),
    ];
    for (let l = L - 1; l >= 0; l--) {
      const n = blockParamNames(l);
      const a = b.blocks[l] as GptBuffers['blocks'][number];
      const residualIn = l === 0 ? b.encoded : (b.blocks[l - 1] as GptBuffers['blocks'][number]).residual3;
      backward.push(
        // d.dresidual holds dL/d residual3 here.
        ...(await mmBack(d.dfchGelu, g(n.fcprojw), g(n.fcprojb), d.dresidual, a.fchGelu, p(n.fcprojw), BT, 4 * C, C)),
        await prepare(geluBackwardSpec, { dinp: d.dfch, inp: a.fch, dout: d.dfchGelu }, { N: BT * 4 * C }),
        ...(await mmBack(d.dln, g(n.fcw), g(n.fcb), d.dfch, a.ln2, p(n.fcw), BT, C, 4 * C)),
        ...(await lnBack(d.dtmp, g(n.ln2w), g(n.ln2b), d.dln, a.residual2, p(n.ln2w), a.ln2Mean, a.ln2Rstd)),
        await accumulate(d.dresidual, d.dtmp), // now dL/d residual2
        ...(await mmBack(d.dln, g(n.attprojw), g(n.attprojb), d.dresidual, a.atty, p(n.attprojw), BT, C, C)),
        await prepare(
          attentionBackwardDqSpec,
          { dqkv: d.dqkv, dsum: d.dsum, dout: d.dln, qkv: a.qkv, out: a.atty, stats: a.attStats },
          { B, T, C, NH },
        ),
        await prepare(
          attentionBackwardDkvSpec,
          { dqkv: d.dqkv, dout: d.dln, qkv: a.qkv, stats: a.attStats, dsum: d.dsum },
          { B, T, C, NH },
        ),
        ...(await mmBack(d.dln, g(n.qkvw), g(n.qkvb), d.dqkv, a.ln1, p(n.qkvw), BT, C, 3 * C)),
        ...(await lnBack(d.dtmp, g(n.ln1w), g(n.ln1b), d.dln, residualIn, p(n.ln1w), a.ln1Mean, a.ln1Rstd)),
        await accumulate(d.dresidual, d.dtmp), // now dL/d residualIn
      );
    }
    backward.push(
      await prepare(
        encoderBackwardWteSpec,
        { dwte: g('wte'), dout: d.dresidual, buckets: d.buckets, positions: d.positions },
        { B, T, C, V },
      ),
      await prepare(encoderBackwardWpeSpec, { dwpe: g('wpe'), dout: d.dresidual }, { B, T, C }),
    );
    const N = this.layout.totalFloats;
    const update = await prepareGradNorm(runner, d.normScale, d.gradNormPartials, grads, N, this.adamw.maxGradNorm);
    this.adamwDispatch = await prepare(
      adamwSpec,
      { params_memory: this.params, grads_memory: grads, m_memory: this.m, v_memory: this.v, norm_scale: d.normScale },
      this.adamwUniforms(0, 1),
    );
    this.trainPlan = [...forward, ...backward, ...update, this.adamwDispatch];
  }

  private adamwUniforms(lr: number, step: number) {
    const s = { learningRate: lr, ...this.adamw };
    return adamwUniforms(this.layout.totalFloats, s, step, true);
  }

  /** Uploads flat parameters (the padded layout of gpt-params.ts). */
  setParams(params: Float32Array): void {
    this.checkFlat(params, 'params');
    writeStorageBuffer(this.runner.gpu, this.params, params);
  }

  /** Uploads AdamW moments (e.g. when resuming); zero when never set. */
  setOptimizerState(m: Float32Array, v: Float32Array): void {
    if (!this.m || !this.v) throw new Error('this model was built without training state');
    this.checkFlat(m, 'optimizer m');
    this.checkFlat(v, 'optimizer v');
    writeStorageBuffer(this.runner.gpu, this.m, m);
    writeStorageBuffer(this.runner.gpu, this.v, v);
  }

  readParams(): Promise<Float32Array> {
    return readFloat32(this.runner.gpu, this.params, this.layout.totalFloats);
  }

  async readOptimizerState(): Promise<{ m: Float32Array; v: Float32Array }> {
    if (!this.m || !this.v) throw new Error('this model was built without training state');
    const floats = this.layout.totalFloats;
    return {
      m: await readFloat32(this.runner.gpu, this.m, floats),
      v: await readFloat32(this.runner.gpu, this.v, floats),
    };
  }

  private checkFlat(data: Float32Array, what: string): void {
    if (data.length !== this.layout.totalFloats) {
      throw new RangeError(`${what}: ${data.length} floats given, the model has ${this.layout.totalFloats}`);
    }
  }

  /** Uploads a batch: inputs and targets (B·T token ids each, < V), and the encoder backward's buckets. */
  setBatch(inputs: Uint32Array, targets: Uint32Array): void {
    const BT = this.B * this.T;
    const V = this.config.vocabSize;
    if (inputs.length !== BT || targets.length !== BT) {
      throw new RangeError(`a batch is ${BT} inputs and ${BT} targets (got ${inputs.length} and ${targets.length})`);
    }
    for (const [what, ids] of [
      ['input', inputs],
      ['target', targets],
    ] as const) {
      const bad = ids.findIndex((id) => id >= V);
      if (bad >= 0)
        throw new RangeError(`${what} token ${ids[bad]} at position ${bad} is outside the vocabulary (${V})`);
    }
    const gpu = this.runner.gpu;
    writeStorageBuffer(gpu, this.buffers.inputs, inputs);
    writeStorageBuffer(gpu, this.buffers.targets, targets);
    const d = this.buffers.backward;
    if (d) {
      const sorted = bucketPositionsByToken(inputs, BT, V);
      writeStorageBuffer(gpu, d.buckets, sorted.buckets);
      writeStorageBuffer(gpu, d.positions, sorted.positions);
    }
  }

  /**
   * One AdamW step on the current batch at learning rate `lr`; `step` counts
   * from 1 (bias correction). Resolves when the GPU has the work; the
   * returned `loss` resolves later, when the mean loss is read back.
   */
  async trainStep(lr: number, step: number): Promise<{ loss: Promise<number> }> {
    const grads = this.grads;
    if (!this.adamwDispatch || !grads) throw new Error('this model was built without training state');
    this.runner.setUniforms(this.adamwDispatch, this.adamwUniforms(lr, step));
    return this.submitWithLoss('gpt train step', this.trainPlan, (encoder) => encoder.clearBuffer(grads));
  }

  /** Forward and loss only (evaluation). */
  async evalStep(): Promise<{ loss: Promise<number> }> {
    return this.submitWithLoss('gpt eval step', this.lossPlan);
  }

  /** Forward to the logits (B, T, V), read back (tests, sampling on the CPU). */
  async logits(): Promise<Float32Array> {
    await this.runner.submit(this.forwardPlan);
    return readFloat32(this.runner.gpu, this.buffers.logits, this.B * this.T * this.config.vocabSize);
  }

  /** Runs the forward only, leaving the logits in buffers.logits (for GPU sampling). */
  async forward(): Promise<void> {
    await this.runner.submit(this.forwardPlan);
  }

  private async submitWithLoss(
    label: string,
    plan: PreparedDispatch[],
    before?: (encoder: GPUCommandEncoder) => void,
  ): Promise<{ loss: Promise<number> }> {
    const i = this.nextStaging;
    this.nextStaging = (i + 1) % this.staging.length;
    await this.stagingBusy[i]; // that staging buffer's last readback must be done
    const staging = this.staging[i] as GPUBuffer;
    const BT = this.B * this.T;
    await this.runner.submitCommands(label, (encoder) => {
      before?.(encoder);
      this.runner.encodePass(encoder, plan, label);
      encoder.copyBufferToBuffer(this.buffers.losses, 0, staging, 0, BT * 4);
    });
    const loss = staging.mapAsync(GPUMapMode.READ).then(() => {
      const losses = new Float32Array(staging.getMappedRange().slice(0));
      staging.unmap();
      this.runner.gpu.throwIfFailed();
      let sum = 0;
      for (const x of losses) sum += x;
      return sum / BT;
    });
    this.stagingBusy[i] = loss.catch(() => {});
    return { loss };
  }

  destroy(): void {
    for (const d of [...this.trainPlan, ...this.lossPlan]) d.uniformBuffer?.destroy();
    for (const buffer of [this.params, this.grads, this.m, this.v, ...this.staging]) buffer?.destroy();
    this.buffers.destroy();
  }
}
