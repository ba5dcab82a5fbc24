/** The Worker's bindings, declared once (names match wrangler.toml). */
export interface Bindings {
  /** D1: run metadata and metrics. */
  DB: D1Database;
  /** R2: checkpoint files (safetensors, ONNX exports). */
  CHECKPOINTS: R2Bucket;
  /** Workers static assets: the Vite build of client/. */
  ASSETS: Fetcher;
}

/** Hono environment type shared by every route file. */
export interface AppEnv {
  Bindings: Bindings;
}
