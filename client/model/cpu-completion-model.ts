import type { CompletionModel } from '../onnx/complete';
import type { GptConfig } from './gpt-config';
import { GptCpuReference } from './gpt-cpu-reference';

/**
 * The float64 CPU reference model as a CompletionModel: next-token logits
 * from plain loops, with no GPU and no ONNX. The yardstick that the WGSL
 * engine, onnxruntime in Node and /complete at the edge are all held to.
 */
export function cpuCompletionModel(config: GptConfig, params: ArrayLike<number>): CompletionModel {
  const reference = new GptCpuReference(config, params);
  const V = config.vocabSize;
  return {
    vocabSize: V,
    contextLength: config.contextLength,
    lastLogits: async (ids) => {
      const inputs = Uint32Array.from(ids);
      const { logits } = reference.forward(inputs, inputs, 1, ids.length);
      return Float32Array.from(logits.subarray((ids.length - 1) * V, ids.length * V));
    },
  };
}
