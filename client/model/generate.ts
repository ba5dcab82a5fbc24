import { sampleTokens } from '../../shaders/sample';
import { Mulberry32 } from '../data/mulberry32';
import { createStorageBuffer, readUint32, writeStorageBuffer } from '../gpu/buffers';
import type { KernelRunner } from '../gpu/runner';
import type { Tokenizer } from '../text/tokenizer';
import { Utf8StreamDecoder } from '../text/utf8';
import type { GptConfig } from './gpt-config';
import { GptGpu } from './gpt-gpu';
import type { SampleOptions } from './sample-options';

/**
 * Text generation on the GPU: the forward over the last `contextLength`
 * tokens (no KV cache: the models are small), then the sample kernel on the
 * last position's logits with a seeded coin. Greedy (temperature 0) is a pure
 * argmax, so the same checkpoint gives the same tokens in the browser, in Node
 * and at the edge.
 */

export { DEFAULT_SAMPLE_OPTIONS, type SampleOptions } from './sample-options';

export class GptSampler {
  private readonly inputs: Uint32Array;
  private readonly token: GPUBuffer;
  private readonly coin: GPUBuffer;

  private constructor(
    readonly model: GptGpu,
    readonly tokenizer: Tokenizer,
  ) {
    const T = model.config.contextLength;
    this.inputs = new Uint32Array(T);
    this.token = createStorageBuffer(model.runner.gpu, 'sampled token', 1);
    this.coin = createStorageBuffer(model.runner.gpu, 'sample coin', 1);
  }

  static async create(
    runner: KernelRunner,
    config: GptConfig,
    params: Float32Array,
    tokenizer: Tokenizer,
  ): Promise<GptSampler> {
    const model = await GptGpu.create(runner, config, 1, config.contextLength, { training: false });
    model.setParams(params);
    return new GptSampler(model, tokenizer);
  }

  /** Generated token ids after `prompt` (ids), one at a time. */
  async *tokens(prompt: Uint32Array, options: SampleOptions): AsyncGenerator<number> {
    checkOptions(options);
    const { vocabSize: V, contextLength: T } = this.model.config;
    if (prompt.length === 0) throw new RangeError('the prompt is empty: give at least one character');
    const context = Array.from(prompt);
    const bad = context.find((id) => id >= V);
    if (bad !== undefined) throw new RangeError(`prompt token ${bad} is outside the vocabulary (${V})`);
    const rng = new Mulberry32(options.seed);
    const zeros = new Uint32Array(T);
    for (let i = 0; i < options.maxTokens; i++) {
      // The last T tokens; positions after them are padding the causal mask ignores.
      const window = context.slice(-T);
      this.inputs.fill(0);
      this.inputs.set(window);
      this.model.setBatch(this.inputs, zeros);
      await this.model.forward();
      writeStorageBuffer(this.model.runner.gpu, this.coin, new Float32Array([rng.next()]));
      const row = window.length - 1;
      await sampleTokens(
        this.model.runner,
        this.token,
        this.model.buffers.logits,
        this.coin,
        1,
        row * V,
        V,
        V,
        options.temperature,
        options.topK,
      );
      const id = (await readUint32(this.model.runner.gpu, this.token, 1))[0] as number;
      context.push(id);
      yield id;
    }
  }

  /**
   * Generated text after `prompt`. Bytes become text through a streaming
   * UTF-8 decoder: a character split across tokens waits for its last byte,
   * and bytes that never form one become U+FFFD, never invalid output.
   */
  async generate(prompt: string, options: SampleOptions, onText?: (text: string) => void): Promise<string> {
    const decoder = new Utf8StreamDecoder();
    let text = '';
    for await (const id of this.tokens(this.tokenizer.encode(prompt), options)) {
      const piece = decoder.push(this.tokenizer.decodeBytes([id]));
      const newline = options.stopAtNewline ? piece.indexOf('\n') : -1;
      const kept = newline >= 0 ? piece.slice(0, newline + 1) : piece;
      text += kept;
      if (kept) onText?.(kept);
      if (newline >= 0) return text;
    }
    const rest = decoder.end();
    if (rest) onText?.(rest);
    return text + rest;
  }

  destroy(): void {
    this.token.destroy();
    this.coin.destroy();
    this.model.destroy();
  }
}

function checkOptions(o: SampleOptions): void {
  if (!Number.isInteger(o.maxTokens) || o.maxTokens < 0) throw new RangeError('maxTokens must be an integer >= 0');
  if (!(o.temperature >= 0) || !Number.isFinite(o.temperature)) throw new RangeError('temperature must be >= 0');
  if (!Number.isInteger(o.topK) || o.topK < 0) throw new RangeError('topK must be an integer >= 0');
  if (!Number.isInteger(o.seed)) throw new RangeError('seed must be an integer');
}
