// `npm start`: build the site, apply D1 migrations locally, then serve site +
// API on http://127.0.0.1:8787 (PORT overrides) until Ctrl-C. Local D1/R2
// state stays in .wrangler/state, so a second start keeps the data.
import { build } from 'vite';
import { startDevServer } from './dev-server';
import { exitCode } from './wrangler';

const port = Number(process.env.PORT ?? 8787);
try {
  await build({ logLevel: 'warn' });
} catch (err) {
  console.error(`The site did not build: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
}

// Pass signals on (Ctrl-C also reaches wrangler directly) and wait for it to finish.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(signal, () => {
    server?.child.kill(signal);
  });
}
let server: Awaited<ReturnType<typeof startDevServer>> | undefined;
try {
  server = await startDevServer({ port, stdio: 'inherit' });
} catch (err) {
  console.error(String(err instanceof Error ? err.message : err));
  process.exit(1);
}
console.log(`\nKindling is running at ${server.url}  (API health: ${server.url}/api/health; Ctrl-C stops it)\n`);
process.exitCode = await exitCode(server.child);
