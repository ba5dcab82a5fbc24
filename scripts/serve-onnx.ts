// `npm run serve:onnx -- [--port 8788] [--api http://127.0.0.1:8787 | --dir checkpoints/]`
// An inference server for /complete and /v1/completions on onnxruntime-node;
// set INFERENCE_UPSTREAM to its address to have the Worker forward there.

import { parseArgs } from 'node:util';
import { serve } from '@hono/node-server';
import { runCli, UsageError } from './cli';
import { type CheckpointSource, onnxServerApp } from './onnx-server';

await runCli(async () => {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '8788' },
      host: { type: 'string', default: '127.0.0.1' },
      api: { type: 'string' },
      dir: { type: 'string' },
    },
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 1 || port > 65535)
    throw new UsageError(`--port ${values.port}: expected 1-65535`);
  if (values.api && values.dir) throw new UsageError('give --api or --dir, not both');
  const source: CheckpointSource = values.dir ? { dir: values.dir } : { api: values.api ?? 'http://127.0.0.1:8787' };
  const app = onnxServerApp(source);
  serve({ fetch: app.fetch, port, hostname: values.host }, (info) => {
    const from = 'dir' in source ? `files in ${source.dir}` : `checkpoints of ${source.api}`;
    console.error(`serve:onnx on http://${info.address}:${info.port} (/complete, /v1/completions) for ${from}`);
  });
});
