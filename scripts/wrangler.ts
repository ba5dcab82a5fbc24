// Runs the project's wrangler quietly and offline: no telemetry, no banner,
// no request.cf lookup (each would try the network, which may be closed).
// CLI: node --import tsx scripts/wrangler.ts <wrangler args...>
import { type ChildProcess, type SpawnOptions, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

export const QUIET_WRANGLER_ENV = {
  WRANGLER_SEND_METRICS: 'false',
  CLOUDFLARE_CF_FETCH_ENABLED: 'false',
  WRANGLER_HIDE_BANNER: 'true',
};

/** Spawns node_modules' wrangler with the quiet environment added to `options.env`. */
export function spawnWrangler(args: string[], options: SpawnOptions = {}): ChildProcess {
  const bin = createRequire(import.meta.url).resolve('wrangler/bin/wrangler.js');
  return spawn(process.execPath, [bin, ...args], {
    stdio: 'inherit',
    ...options,
    env: { ...process.env, ...QUIET_WRANGLER_ENV, ...options.env },
  });
}

/** Resolves with the exit code (signals count as failure). */
export function exitCode(child: ChildProcess): Promise<number> {
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
}

/** Runs `wrangler args` to completion; throws with `what` when it fails. */
export async function runWrangler(what: string, args: string[], options: SpawnOptions = {}): Promise<void> {
  const code = await exitCode(spawnWrangler(args, options));
  if (code !== 0) throw new Error(`${what} failed (wrangler ${args.join(' ')} exited ${code})`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const child = spawnWrangler(process.argv.slice(2));
  // Ctrl-C reaches wrangler directly (same process group): wait for it to finish.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => child.kill(signal));
  process.exitCode = await exitCode(child);
}
