// `npm run deploy` — from a clone to a live copy on your Cloudflare account:
//   1. check you are logged in            wrangler whoami --json
//   2. find or create the D1 database     wrangler d1 list --json / wrangler d1 create kindling
//   3. record its id in wrangler.toml     (only the DB binding's database_id value changes)
//   4. find or create the R2 bucket       wrangler r2 bucket list / wrangler r2 bucket create kindling-checkpoints
//   5. build the site                     npm run build
//   6. apply the D1 migrations remotely   wrangler d1 migrations apply DB --remote
//   7. deploy the Worker                  wrangler deploy
// and prints the URL. Every step is safe to repeat: a second run finds the
// database and bucket, changes nothing in wrangler.toml, applies no migration
// twice and deploys a new version.
//
// `npm run deploy -- --dry-run` needs no account: it builds the site, bundles
// the Worker (`wrangler deploy --dry-run --outdir <tmp>`) and reports its size.
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { describeBundle, measureBundle, PROJECT_ROOT } from '../bench/bundle-size';
import {
  deployTargets,
  errorBlock,
  failureMessage,
  isRealD1Id,
  parseD1CreateOutput,
  parseD1List,
  parseR2BucketList,
  parseWhoami,
  parseWranglerOutputFile,
  readD1Binding,
  readR2BucketName,
  readTopLevelString,
  setD1DatabaseId,
  tailOf,
  urlsInDeployOutput,
  type WranglerOutputEntry,
} from './deploy-config';
import { exitCode, spawnWrangler } from './wrangler';

const USAGE = `usage: npm run deploy [-- --dry-run]
  (no flag)   create what is missing on your Cloudflare account, build, migrate and deploy
  --dry-run   build and bundle only, report the Worker's size (no account needed)`;

const D1_BINDING = 'DB';
const R2_BINDING = 'CHECKPOINTS';
const TOML_PATH = join(PROJECT_ROOT, 'wrangler.toml');

const LOGIN_FIX = `Log in first, then run \`npm run deploy\` again:
  npx wrangler login                 (opens a browser; stores an OAuth token for wrangler)
or, without a browser (CI), create an API token with the "Edit Cloudflare Workers" template plus
D1:Edit and Workers R2 Storage:Edit (https://dash.cloudflare.com/profile/api-tokens) and set
  export CLOUDFLARE_API_TOKEN=<token>
  export CLOUDFLARE_ACCOUNT_ID=<account id>`;

/** A step that failed: its name and the reason (wrangler's own message where it gave one). */
class StepError extends Error {
  override name = 'StepError';
  constructor(
    readonly step: string,
    message: string,
  ) {
    super(message);
  }
}

interface StepContext {
  /** Environment added to every wrangler run (CLOUDFLARE_ACCOUNT_ID once known). */
  env: Record<string, string>;
  scratch: string;
  runs: number;
}

let stepNumber = 0;
let stepCount = 0;

async function step<T>(name: string, fn: () => Promise<T>): Promise<T> {
  stepNumber += 1;
  console.log(`\n[${stepNumber}/${stepCount}] ${name}`);
  try {
    return await fn();
  } catch (err) {
    if (err instanceof StepError) throw err;
    throw new StepError(name, err instanceof Error ? err.message : String(err));
  }
}

function note(text: string): void {
  console.log(`      ${text.split('\n').join('\n      ')}`);
}

interface WranglerRun {
  code: number;
  stdout: string;
  stderr: string;
  entries: WranglerOutputEntry[];
}

interface WranglerRunOptions {
  /** Echo wrangler's stdout as it comes (stderr is always echoed). */
  showStdout?: boolean;
  /** Give wrangler the terminal (its prompts work; stdout is not captured). */
  interactive?: boolean;
}

/**
 * Runs wrangler quietly (scripts/wrangler.ts) with WRANGLER_OUTPUT_FILE_PATH
 * set, so that its structured records (the deploy URLs, the error message of
 * a failed command) come back whatever the terminal shows.
 */
async function wrangler(ctx: StepContext, args: string[], options: WranglerRunOptions = {}): Promise<WranglerRun> {
  ctx.runs += 1;
  const outputFile = join(ctx.scratch, `wrangler-${ctx.runs}.ndjson`);
  const child = spawnWrangler(args, {
    cwd: PROJECT_ROOT,
    stdio: options.interactive ? 'inherit' : ['inherit', 'pipe', 'pipe'],
    env: { ...ctx.env, WRANGLER_OUTPUT_FILE_PATH: outputFile },
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    if (options.showStdout) process.stdout.write(chunk);
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    process.stderr.write(chunk);
  });
  const code = await exitCode(child);
  const entries = parseWranglerOutputFile(await readFile(outputFile, 'utf8').catch(() => ''));
  return { code, stdout, stderr, entries };
}

/** wrangler's message for a failed run: its command-failed record, else the end of its output. */
function wranglerMessage(args: string[], run: WranglerRun): string {
  const message =
    errorBlock(run.stderr) ?? failureMessage(run.entries) ?? (tailOf(`${run.stdout}\n${run.stderr}`) || '(no output)');
  return `wrangler ${args.join(' ')} exited ${run.code}:\n${message}`;
}

async function wranglerOrThrow(
  ctx: StepContext,
  args: string[],
  options: WranglerRunOptions = {},
): Promise<WranglerRun> {
  const run = await wrangler(ctx, args, options);
  if (run.code !== 0) throw new Error(wranglerMessage(args, run));
  return run;
}

/** `npm run build` with the npm that runs this script (npm_execpath), else the one on PATH. */
async function npmRunBuild(): Promise<void> {
  const npmCli = process.env.npm_execpath;
  const child =
    npmCli && /\.[cm]?js$/.test(npmCli)
      ? spawn(process.execPath, [npmCli, 'run', 'build'], { cwd: PROJECT_ROOT, stdio: 'inherit' })
      : spawn('npm', ['run', 'build'], { cwd: PROJECT_ROOT, stdio: 'inherit', shell: process.platform === 'win32' });
  const code = await exitCode(child);
  if (code !== 0) throw new Error(`npm run build exited ${code} (its output is above)`);
}

async function dryRun(): Promise<void> {
  stepCount = 2;
  await step('Build the site (npm run build)', npmRunBuild);
  const report = await step('Bundle the Worker (wrangler deploy --dry-run --outdir <tmp>)', () =>
    measureBundle({ onOutput: (chunk) => process.stdout.write(chunk) }),
  );
  console.log(`\nWorker bundle (what \`wrangler deploy\` would upload; static assets are uploaded separately):`);
  console.log(describeBundle(report));
  console.log(JSON.stringify(report));
  console.log('\nDry run: nothing was created or deployed. `npm run deploy` does it for real.');
}

async function deploy(ctx: StepContext): Promise<void> {
  stepCount = 7;

  await step('Check you are logged in to Cloudflare (wrangler whoami)', async () => {
    const args = ['whoami', '--json'];
    const run = await wrangler(ctx, args);
    const who = parseWhoami(run.stdout);
    if (who && !who.loggedIn) throw new Error(`You are not logged in to Cloudflare.\n${LOGIN_FIX}`);
    if (run.code !== 0 || !who)
      throw new Error(`${wranglerMessage(args, run)}\n\nIf you are not logged in: ${LOGIN_FIX}`);
    note(`logged in${who.email ? ` as ${who.email}` : ''}${who.authType ? ` (${who.authType})` : ''}`);
    const chosen = process.env.CLOUDFLARE_ACCOUNT_ID;
    const inToml = readTopLevelString(await readFile(TOML_PATH, 'utf8'), 'account_id');
    if (chosen) {
      note(`account ${chosen} (CLOUDFLARE_ACCOUNT_ID)`);
    } else if (inToml) {
      note(`account ${inToml} (account_id in wrangler.toml)`);
    } else if (who.accounts.length === 1 && who.accounts[0]) {
      ctx.env.CLOUDFLARE_ACCOUNT_ID = who.accounts[0].id;
      note(`account ${who.accounts[0].name} (${who.accounts[0].id})`);
    } else if (who.accounts.length > 1) {
      const list = who.accounts.map((a) => `  ${a.id}  ${a.name}`).join('\n');
      throw new Error(
        `You have ${who.accounts.length} Cloudflare accounts; say which one to deploy to:\n${list}\n` +
          `  CLOUDFLARE_ACCOUNT_ID=<id> npm run deploy`,
      );
    }
  });

  const toml = await readFile(TOML_PATH, 'utf8');
  const d1 = readD1Binding(toml, D1_BINDING);
  if (!d1) throw new StepError('Read wrangler.toml', `wrangler.toml has no [[d1_databases]] entry with binding = "DB"`);
  const databaseName = d1.databaseName ?? 'kindling';
  const bucketName = readR2BucketName(toml, R2_BINDING);
  if (!bucketName) {
    throw new StepError('Read wrangler.toml', `wrangler.toml has no [[r2_buckets]] entry with binding = "CHECKPOINTS"`);
  }

  const databaseId = await step(`Find or create the D1 database '${databaseName}'`, async () => {
    const listArgs = ['d1', 'list', '--json'];
    const databases = parseD1List((await wranglerOrThrow(ctx, listArgs)).stdout);
    if (isRealD1Id(d1.databaseId) && databases.some((db) => db.uuid === d1.databaseId)) {
      note(`wrangler.toml's database ${d1.databaseId} exists on your account: using it`);
      return d1.databaseId;
    }
    const found = databases.find((db) => db.name === databaseName);
    if (found) {
      note(`found '${databaseName}' (${found.uuid})`);
      return found.uuid;
    }
    note(`'${databaseName}' does not exist yet: wrangler d1 create ${databaseName}`);
    const createArgs = ['d1', 'create', databaseName];
    const created = await wrangler(ctx, createArgs, { showStdout: true });
    const createdId = created.code === 0 ? parseD1CreateOutput(created.stdout) : undefined;
    if (createdId) return createdId;
    // Created without a readable id, or it failed (perhaps it appeared meanwhile): the list decides.
    const again = parseD1List((await wranglerOrThrow(ctx, listArgs)).stdout).find((db) => db.name === databaseName);
    if (again) return again.uuid;
    throw new Error(
      created.code !== 0
        ? wranglerMessage(createArgs, created)
        : `'wrangler d1 create' succeeded but '${databaseName}' is not in 'wrangler d1 list'`,
    );
  });

  await step('Record the database id in wrangler.toml', async () => {
    // Re-read: the file may have been edited while wrangler ran.
    const current = await readFile(TOML_PATH, 'utf8');
    const edit = setD1DatabaseId(current, D1_BINDING, databaseId);
    if (!edit.changed) {
      note(`already recorded: database_id = "${databaseId}"`);
      return;
    }
    await writeFile(TOML_PATH, edit.text);
    note(
      `database_id = "${databaseId}" (was ${edit.previous ? `"${edit.previous}"` : 'missing'}); commit wrangler.toml to keep it`,
    );
  });

  await step(`Find or create the R2 bucket '${bucketName}'`, async () => {
    const buckets = parseR2BucketList((await wranglerOrThrow(ctx, ['r2', 'bucket', 'list'])).stdout);
    if (buckets.includes(bucketName)) {
      note(`found '${bucketName}'`);
      return;
    }
    note(`'${bucketName}' does not exist yet: wrangler r2 bucket create ${bucketName}`);
    const createArgs = ['r2', 'bucket', 'create', bucketName];
    const created = await wrangler(ctx, createArgs, { showStdout: true });
    if (created.code === 0) return;
    const message = wranglerMessage(createArgs, created);
    // Created meanwhile (or listed late): that is what we wanted.
    if (/already exists/i.test(message)) {
      note(`'${bucketName}' already exists`);
      return;
    }
    throw new Error(message);
  });

  await step('Build the site (npm run build)', npmRunBuild);

  await step('Apply D1 migrations to the remote database (wrangler d1 migrations apply DB --remote)', async () => {
    // stdout is a pipe, so wrangler takes its non-interactive path and applies without asking.
    await wranglerOrThrow(ctx, ['d1', 'migrations', 'apply', D1_BINDING, '--remote'], { showStdout: true });
  });

  const urls = await step('Deploy the Worker (wrangler deploy)', async () => {
    // The terminal goes to wrangler, so it can ask e.g. for a workers.dev subdomain on a first deploy.
    const interactive = Boolean(process.stdin.isTTY && process.stdout.isTTY);
    const args = ['deploy'];
    const run = await wrangler(ctx, args, { interactive, showStdout: true });
    if (run.code !== 0) throw new Error(wranglerMessage(args, run));
    const targets = deployTargets(run.entries);
    return targets.length > 0 ? targets : urlsInDeployOutput(run.stdout);
  });

  const url = urls.find((u) => u.startsWith('https://')) ?? urls[0];
  if (!url) {
    console.log('\nDeployed. wrangler reported no URL (routes only?): see https://dash.cloudflare.com → Workers.');
    return;
  }
  console.log(`\nKindling is live at ${url}`);
  for (const other of urls.filter((u) => u !== url)) console.log(`  also: ${other}`);
  await checkHealth(url.startsWith('http') ? url : `https://${url}`);
}

/** Best effort: a new workers.dev subdomain can take a few minutes to resolve, so this never fails the deploy. */
async function checkHealth(url: string): Promise<void> {
  const health = `${url.replace(/\/$/, '')}/api/health`;
  for (let attempt = 1; attempt <= 6; attempt += 1) {
    try {
      const response = await fetch(health, { signal: AbortSignal.timeout(10_000) });
      const body = (await response.text()).slice(0, 300);
      console.log(`GET ${health} → ${response.status} ${body}`);
      return;
    } catch {
      if (attempt < 6) await new Promise((resolve) => setTimeout(resolve, 5_000));
    }
  }
  console.log(`${health} did not answer yet (DNS for a new workers.dev subdomain can take a few minutes).`);
}

async function main(): Promise<number> {
  let values: { 'dry-run'?: boolean; help?: boolean };
  try {
    ({ values } = parseArgs({
      options: {
        'dry-run': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }));
  } catch (err) {
    console.error(`error: ${err instanceof Error ? err.message : String(err)}\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const scratch = await mkdtemp(join(tmpdir(), 'kindling-deploy-'));
  try {
    if (values['dry-run']) await dryRun();
    else await deploy({ env: {}, scratch, runs: 0 });
    return 0;
  } catch (err) {
    if (!(err instanceof StepError)) throw err;
    console.error(`\n✘ ${err.step} — failed.\n${err.message}`);
    if (!values['dry-run'] && stepNumber > 1) {
      console.error('\nEverything done so far is kept; `npm run deploy` again resumes safely.');
    }
    return 1;
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

process.exitCode = await main();
