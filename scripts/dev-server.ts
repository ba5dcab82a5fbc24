// Starts the product locally: D1 migrations applied, then `wrangler dev` with
// local D1 and R2 state, serving the built site and the API. Used by
// `npm start` (scripts/start.ts) and by the end-to-end tests.
import type { ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { runWrangler, spawnWrangler } from './wrangler';

export interface DevServerOptions {
  port: number;
  /** Where local D1/R2 state lives; wrangler's default is .wrangler/state. */
  persistTo?: string;
  /** 'inherit' for a terminal; 'pipe' keeps output for error messages (tests). */
  stdio: 'inherit' | 'pipe';
  /** Own process group, so stop() can end wrangler and workerd together (tests). */
  detached?: boolean;
}

export interface DevServer {
  url: string;
  child: ChildProcess;
  /** Output so far when stdio is 'pipe'. */
  output: () => string;
  stop: () => Promise<void>;
}

/** A port the OS says is free right now. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

/** Applies migrations to the local D1 (never prompts: CI=true answers wrangler's question). */
export async function migrateLocal(options: Pick<DevServerOptions, 'persistTo' | 'stdio'>): Promise<void> {
  const persist = options.persistTo ? ['--persist-to', options.persistTo] : [];
  await runWrangler('Applying D1 migrations', ['d1', 'migrations', 'apply', 'DB', '--local', ...persist], {
    stdio: options.stdio === 'inherit' ? 'inherit' : 'ignore',
    env: { CI: 'true' },
  });
}

/** Spawns `wrangler dev` on 127.0.0.1 and resolves once /api/health answers 200. */
export async function startDevServer(options: DevServerOptions): Promise<DevServer> {
  // Otherwise the health poll below could find another server on that port.
  await assertPortFree(options.port);
  await migrateLocal(options);
  const persist = options.persistTo ? ['--persist-to', options.persistTo] : [];
  const child = spawnWrangler(
    [
      'dev',
      '--local',
      '--ip',
      '127.0.0.1',
      '--port',
      String(options.port),
      '--show-interactive-dev-session=false',
      ...persist,
    ],
    {
      stdio: options.stdio === 'inherit' ? 'inherit' : ['ignore', 'pipe', 'pipe'],
      detached: options.detached ?? false,
    },
  );
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const url = `http://127.0.0.1:${options.port}`;
  const server: DevServer = {
    url,
    child,
    output: () => output,
    stop: () => stopChild(child, options.detached ?? false),
  };
  try {
    await waitForHealth(url, child, () => output);
  } catch (err) {
    await server.stop();
    throw err;
  }
  return server;
}

async function waitForHealth(url: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 60_000;
  let last = 'no answer yet';
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`wrangler dev exited with ${child.exitCode}:\n${output()}`);
    try {
      const response = await fetch(`${url}/api/health`);
      if (response.ok) return;
      last = `${response.status} ${await response.text()}`;
    } catch (err) {
      last = String(err);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`wrangler dev did not become healthy at ${url} within 60 s (last: ${last}):\n${output()}`);
}

/** SIGTERM to wrangler (its whole group when detached), SIGKILL after 10 s. */
async function stopChild(child: ChildProcess, group: boolean): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const pid = child.pid;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const kill = (signal: NodeJS.Signals) => {
    try {
      process.kill(group ? -pid : pid, signal);
    } catch {
      // already gone
    }
  };
  kill('SIGTERM');
  const timer = setTimeout(() => kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

function assertPortFree(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', (err: NodeJS.ErrnoException) =>
      reject(
        new Error(
          err.code === 'EADDRINUSE'
            ? `Port ${port} on 127.0.0.1 is already in use (another npm start?). Stop that server or choose another port: PORT=8790 npm start`
            : `Cannot listen on 127.0.0.1:${port}: ${err.message}`,
        ),
      ),
    );
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve()));
  });
}
