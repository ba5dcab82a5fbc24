import { Hono } from 'hono';
import type { AppEnv } from '../bindings';
import { ApiError } from '../errors';
import { completionApp } from '../inference/completion-app';
import { loadModel } from '../inference/models';
import { proxyCompletion } from '../inference/proxy';
import { rateLimit } from '../inference/rate-limit';
import { getCheckpoint } from '../storage/checkpoints';

/**
 * /complete and /v1/completions in the Worker: rate limited per client, then
 * forwarded to INFERENCE_UPSTREAM when that is set, else answered by the
 * checkpoint's ONNX export in this isolate.
 */
export const completions = new Hono<AppEnv>();
for (const path of ['/complete', '/v1/completions']) {
  completions.post(path, rateLimit, async (c, next) => (c.env.INFERENCE_UPSTREAM ? proxyCompletion(c) : next()));
}
completions.route(
  '/',
  completionApp<AppEnv>(async (c, id) => {
    const row = await getCheckpoint(c.env, id);
    if (!row) throw new ApiError(404, 'not_found', `No checkpoint ${id}`);
    return loadModel(c.env, row);
  }),
);
