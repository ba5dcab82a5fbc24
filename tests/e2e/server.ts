import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type DevServer, freePort, startDevServer } from '../../scripts/dev-server';

/**
 * `wrangler dev` as `npm start` runs it (built site, migrations, local D1/R2),
 * on a free port with throw-away state, so a developer's own server and data
 * are untouched. The site must already be built (npm test builds it first).
 */
export async function startTestServer(): Promise<DevServer & { cleanup: () => Promise<void> }> {
  const persistTo = mkdtempSync(join(tmpdir(), 'kindling-e2e-'));
  const server = await startDevServer({ port: await freePort(), persistTo, stdio: 'pipe', detached: true });
  return {
    ...server,
    cleanup: async () => {
      await server.stop();
      rmSync(persistTo, { recursive: true, force: true });
    },
  };
}
