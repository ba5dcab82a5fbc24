// wrangler (and the Worker tests) turn a .wasm import into a compiled WebAssembly.Module.
import ortWasm from 'onnxruntime-web/ort-wasm-simd-threaded.wasm';
import * as ort from 'onnxruntime-web/wasm';

/**
 * onnxruntime-web inside workerd. workerd refuses to compile wasm from bytes
 * at run time ("Wasm code generation disallowed by embedder"), so ORT gets a
 * placeholder `wasmBinary`, and WebAssembly.instantiate is wrapped so that the
 * placeholder is answered with an instance of the module wrangler compiled at
 * deploy time. One thread, no proxy worker: a Worker has neither.
 * Loaded lazily (dynamic import), so routes that never infer never pay for it.
 */

const PLACEHOLDER = new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x4b, 0x49, 0x4e, 0x44]); // "\0asm" + "KIND"

function isPlaceholder(source: unknown): boolean {
  const bytes =
    source instanceof ArrayBuffer
      ? new Uint8Array(source)
      : ArrayBuffer.isView(source)
        ? new Uint8Array(source.buffer, source.byteOffset, source.byteLength)
        : null;
  return bytes !== null && bytes.length === PLACEHOLDER.length && bytes.every((b, i) => b === PLACEHOLDER[i]);
}

const instantiate = WebAssembly.instantiate.bind(WebAssembly);
// biome-ignore lint/suspicious/noExplicitAny: WebAssembly.instantiate is overloaded; this wraps both forms.
(WebAssembly as any).instantiate = async (source: any, imports?: WebAssembly.Imports) => {
  if (!isPlaceholder(source)) return instantiate(source, imports);
  const instance = await instantiate(ortWasm, imports);
  return { instance, module: ortWasm };
};

ort.env.wasm.numThreads = 1;
ort.env.wasm.proxy = false;
ort.env.wasm.wasmBinary = PLACEHOLDER;

export { ort };

export async function createSession(onnx: Uint8Array): Promise<ort.InferenceSession> {
  return ort.InferenceSession.create(onnx, { executionProviders: ['wasm'], graphOptimizationLevel: 'all' });
}
