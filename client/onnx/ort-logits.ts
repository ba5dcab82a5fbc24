import type { LastLogits } from './complete';

/**
 * The bridge from an onnxruntime session of exportGptOnnx's model to
 * complete.ts's LastLogits. Typed by shape, not imported: onnxruntime-web
 * (browser, Worker) and onnxruntime-node share this API, and the Worker
 * decides how ORT is loaded (see PLATFORM.md, "onnxruntime-web inside workerd").
 */

/** What is used of an ORT tensor. */
export interface OrtTensorLike {
  readonly data: unknown;
  readonly dims: readonly number[];
}

/** `ort.Tensor` of onnxruntime-web or onnxruntime-node. */
export type OrtTensorConstructor = new (type: 'int64', data: BigInt64Array, dims: readonly number[]) => OrtTensorLike;

/** What is used of an `ort.InferenceSession`. */
export interface OrtSessionLike {
  run(feeds: Record<string, OrtTensorLike>): Promise<Record<string, OrtTensorLike>>;
}

/**
 * LastLogits over `session`: input_ids (1, T) in, the last row of logits
 * (1, T, V) out, copied so the session's output buffer can be reused.
 * Use as `{ ...config, lastLogits: ortLastLogits(session, ort.Tensor, config.vocabSize) }`.
 */
export function ortLastLogits(session: OrtSessionLike, Tensor: OrtTensorConstructor, vocabSize: number): LastLogits {
  return async (ids) => {
    const T = ids.length;
    const input = new Tensor(
      'int64',
      BigInt64Array.from(ids, (id) => BigInt(id)),
      [1, T],
    );
    const { logits } = await session.run({ input_ids: input });
    if (!logits || !(logits.data instanceof Float32Array)) {
      throw new Error('the ONNX session gave no float32 output named logits: is it an exportGptOnnx model?');
    }
    const [batch, rows, V] = logits.dims;
    if (batch !== 1 || rows !== T || V !== vocabSize) {
      throw new RangeError(`ONNX logits have shape [${logits.dims}], expected [1, ${T}, ${vocabSize}]`);
    }
    return logits.data.slice((T - 1) * vocabSize, T * vocabSize);
  };
}
