/** The Worker's bindings, declared once (names match wrangler.toml). */
export interface Bindings {
  /** D1: run metadata and metrics. */
  DB: D1Database;
  /** R2: checkpoint files (safetensors, ONNX exports). */
  CHECKPOINTS: R2Bucket;
  /** Workers static assets: the Vite build of client/. */
  ASSETS: Fetcher;
  /** Largest checkpoint upload in bytes (wrangler.toml [vars]); 64 MiB when unset. */
  MAX_CHECKPOINT_BYTES?: string;
  /** When set, /complete and /v1/completions are forwarded to this server instead of running ONNX here. */
  INFERENCE_UPSTREAM?: string;
  /** Cloudflare's Rate Limiting binding for /complete and /v1/completions (wrangler.toml [[ratelimits]]). */
  COMPLETE_LIMITER?: RateLimit;
}

/** Hono environment type shared by every route file. */
export interface AppEnv {
  Bindings: Bindings;
}
