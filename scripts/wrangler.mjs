#!/usr/bin/env node
// Runs the project's wrangler quietly and offline: no telemetry, no banner,
// no request.cf lookup (each would try the network, which may be closed).
// Usage: node scripts/wrangler.mjs <wrangler args...>
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

export const QUIET_WRANGLER_ENV = {
  WRANGLER_SEND_METRICS: 'false',
  CLOUDFLARE_CF_FETCH_ENABLED: 'false',
  WRANGLER_HIDE_BANNER: 'true',
};

/** Absolute path of wrangler's CLI entry in node_modules. */
export function wranglerBin() {
  return createRequire(import.meta.url).resolve('wrangler/bin/wrangler.js');
}

/** Spawns wrangler with the quiet environment; extra spawn options pass through. */
export function spawnWrangler(args, options = {}) {
  return spawn(process.execPath, [wranglerBin(), ...args], {
    stdio: 'inherit',
    ...options,
    env: { ...process.env, ...QUIET_WRANGLER_ENV, ...options.env },
  });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const child = spawnWrangler(process.argv.slice(2));
  // Ctrl-C reaches wrangler directly (same process group); wait for it to finish.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(signal, () => child.kill(signal));
  }
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 130 : 1)));
}
