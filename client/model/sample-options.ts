/**
 * How text is sampled, the same for the GPU sampler (generate.ts), the ONNX
 * path (client/onnx/complete.ts) and the edge's /complete defaults. No GPU
 * code here, so the Worker can import it.
 */
export interface SampleOptions {
  maxTokens: number;
  /** 0: greedy argmax. */
  temperature: number;
  /** Keep only the k most likely tokens (0: all). */
  topK: number;
  /** Seeds the coins; the same seed gives the same text. */
  seed: number;
  /** Stop after the first generated newline. */
  stopAtNewline?: boolean;
}

export const DEFAULT_SAMPLE_OPTIONS: SampleOptions = { maxTokens: 64, temperature: 0.8, topK: 40, seed: 1 };
