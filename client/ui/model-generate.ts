/**
 * The model page's prompt box. Text is sampled in the visitor's browser with
 * Kindling's WGSL engine when WebGPU is there, else by the edge's /complete
 * (streamed). When the GPU fails mid-way (device lost, any GPU error), the
 * same request goes to the edge and the page says so. Greedy output is the
 * same tokens on both, so the switch never changes a temperature-0 answer.
 */
import { ApiRequestError, type CheckpointInfo, completeAtEdge, getCheckpointFile } from '../api';
import { readGptCheckpoint } from '../checkpoint/gpt-checkpoint';
import { browserGpuContext } from '../gpu/browser';
import type { GpuContext } from '../gpu/device';
import { KernelRunner } from '../gpu/runner';
import { GptSampler, type SampleOptions } from '../model/generate';
import { adapterName } from './adapter-panel';
import { byId, el, setStatus } from './dom';

/** The edge's limits (functions/inference/requests.ts), checked here so both engines take the same requests. */
const MAX_NEW_TOKENS = 256;
const MAX_SEED = 0xffffffff;

interface GpuEngine {
  context: GpuContext;
  /** Built on the first Generate: the checkpoint is downloaded only when needed. */
  sampler: Promise<GptSampler> | null;
}

function wholeNumber(id: string, label: string, min: number, max: number): number | string {
  const value = Number((byId(id) as HTMLInputElement).value);
  if (!Number.isInteger(value) || value < min || value > max)
    return `${label} must be a whole number from ${min} to ${max}.`;
  return value;
}

/** The form's prompt and options, or the first thing wrong with them. */
function readForm(): { prompt: string; options: SampleOptions } | { error: string } {
  const prompt = (byId('prompt') as HTMLTextAreaElement).value;
  if (prompt.length === 0) return { error: 'Write a prompt: the model continues it.' };
  if (new TextEncoder().encode(prompt).length > 4096) return { error: 'The prompt is too long: at most 4096 bytes.' };
  const maxTokens = wholeNumber('max-tokens', 'Max tokens', 1, MAX_NEW_TOKENS);
  const topK = wholeNumber('top-k', 'Top-k', 0, 65536);
  const seed = wholeNumber('seed', 'Seed', 0, MAX_SEED);
  const temperature = Number((byId('temperature') as HTMLInputElement).value);
  for (const v of [maxTokens, topK, seed]) if (typeof v === 'string') return { error: v };
  if (!(temperature >= 0 && temperature <= 5)) return { error: 'Temperature must be a number from 0 to 5.' };
  return {
    prompt,
    options: { maxTokens: maxTokens as number, temperature, topK: topK as number, seed: seed as number },
  };
}

export class ModelGenerator {
  private gpu: GpuEngine | null = null;
  private readonly engine = byId('engine');
  private readonly output = byId('generated');

  constructor(private readonly info: CheckpointInfo) {}

  /** Finds WebGPU and says which engine Generate will use. */
  async start(): Promise<void> {
    const form = byId('generate-form') as HTMLFormElement;
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      void this.generate();
    });
    try {
      const context = await browserGpuContext();
      this.gpu = { context, sampler: null };
      setStatus(this.engine, 'gpu', `Generating on your GPU (${adapterName(context.adapter)}).`);
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      setStatus(
        this.engine,
        'edge',
        'Generating at the edge: WebGPU is not available in this browser.',
        el('span', { class: 'explain' }, ` ${reason}`),
      );
    }
  }

  private async generate(): Promise<void> {
    const request = readForm();
    const error = byId('generate-error');
    if ('error' in request) {
      error.textContent = request.error;
      return;
    }
    error.textContent = '';
    const button = byId('generate') as HTMLButtonElement;
    button.disabled = true;
    try {
      await this.run(request.prompt, request.options);
    } finally {
      button.disabled = false;
    }
  }

  private async run(prompt: string, options: SampleOptions): Promise<void> {
    if (this.gpu) {
      try {
        this.begin(prompt, 'gpu');
        const sampler = await this.sampler(this.gpu);
        this.done(await sampler.generate(prompt, options, (piece) => this.append(piece)));
        return;
      } catch (err) {
        this.gpu = null;
        const reason = err instanceof Error ? err.message : String(err);
        setStatus(
          this.engine,
          'edge',
          'Generating at the edge: your GPU failed mid-way, so the edge generates instead.',
          el('span', { class: 'explain' }, ` ${reason}`),
        );
      }
    }
    try {
      this.begin(prompt, 'edge');
      const result = await completeAtEdge(
        {
          checkpoint: this.info.id,
          prompt,
          max_tokens: options.maxTokens,
          temperature: options.temperature,
          top_k: options.topK,
          seed: options.seed,
        },
        (piece) => this.append(piece),
      );
      this.done(result.text);
    } catch (err) {
      const message = err instanceof ApiRequestError ? err.message : String(err);
      this.output.dataset.run = 'error';
      byId('generate-error').textContent = `The edge could not generate: ${message}`;
    }
  }

  private sampler(gpu: GpuEngine): Promise<GptSampler> {
    gpu.sampler ??= getCheckpointFile(this.info.id).then((bytes) => {
      const ckpt = readGptCheckpoint(bytes);
      return GptSampler.create(new KernelRunner(gpu.context), ckpt.config, ckpt.params, ckpt.tokenizer);
    });
    return gpu.sampler;
  }

  /** Clears the output: the prompt, then the text as it arrives. */
  private begin(prompt: string, engine: 'gpu' | 'edge'): void {
    this.output.replaceChildren(el('span', { class: 'prompt' }, prompt), el('span', { id: 'generated-text' }));
    this.output.dataset.run = 'running';
    this.output.dataset.engine = engine;
  }

  private append(piece: string): void {
    byId('generated-text').append(piece);
  }

  /** The whole generated text replaces the streamed pieces (they should agree; the result is what counts). */
  private done(text: string): void {
    byId('generated-text').textContent = text;
    this.output.dataset.run = 'done';
  }
}
