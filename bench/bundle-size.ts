// `npm run bench -- bundle`, or: node --import tsx bench/bundle-size.ts [--outdir DIR] [--assets DIR]
// Bundles the Worker the way `wrangler deploy` would (`wrangler deploy
// --dry-run --outdir DIR`, no account needed) and measures what would be
// uploaded: every emitted module (the Worker's JS and onnxruntime-web's .wasm),
// raw and gzip-compressed (level 9; Cloudflare's size limits count the
// compressed size). Prints one JSON line on stdout; wrangler's output goes to
// stderr. It needs the site built (dist/client, `npm run build`) unless
// --assets names another folder: static assets are not part of the Worker's size.
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { exitCode, spawnWrangler } from '../scripts/wrangler';

/** Workers' compressed-size limit on the Free plan (3 MiB) and on the Paid plan (10 MiB). */
export const FREE_PLAN_LIMIT_GZIP = 3 * 1024 * 1024;
export const PAID_PLAN_LIMIT_GZIP = 10 * 1024 * 1024;

export const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));

export interface BundleFile {
  /** Path inside the output folder, with '/' separators. */
  name: string;
  raw: number;
  gzip: number;
}

export interface BundleReport {
  bench: 'bundle';
  raw_bytes: number;
  gzip_bytes: number;
  files: BundleFile[];
  free_plan_limit_gzip: number;
  paid_plan_limit_gzip: number;
  /** wrangler's own "Total Upload: X KiB / gzip: Y KiB" line (it gzips all modules together, default level). */
  wrangler_reported?: { raw_kib: number; gzip_kib: number };
}

/**
 * Files in a `wrangler deploy --outdir` folder that are not uploaded: the
 * README wrangler writes there, source maps (uploaded only with
 * upload_source_maps, which Kindling does not set) and an esbuild metafile.
 */
export function isUploadedModule(name: string): boolean {
  const base = name.split('/').pop() ?? name;
  if (name === 'README.md') return false;
  if (base.endsWith('.map')) return false;
  if (base === 'bundle-meta.json') return false;
  return true;
}

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)).split(sep).join('/'))
    .sort();
}

/** Measures the modules in an --outdir folder: raw bytes and gzip level 9 bytes per file, and totals. */
export async function measureBundleDir(dir: string): Promise<BundleReport> {
  const files: BundleFile[] = [];
  for (const name of await listFiles(dir)) {
    if (!isUploadedModule(name)) continue;
    const bytes = await readFile(join(dir, name));
    files.push({ name, raw: bytes.byteLength, gzip: gzipSync(bytes, { level: 9 }).byteLength });
  }
  return {
    bench: 'bundle',
    raw_bytes: files.reduce((sum, f) => sum + f.raw, 0),
    gzip_bytes: files.reduce((sum, f) => sum + f.gzip, 0),
    files,
    free_plan_limit_gzip: FREE_PLAN_LIMIT_GZIP,
    paid_plan_limit_gzip: PAID_PLAN_LIMIT_GZIP,
  };
}

/** wrangler's "Total Upload: 15981.91 KiB / gzip: 4002.21 KiB" line, if present. */
export function parseWranglerTotalUpload(output: string): { raw_kib: number; gzip_kib: number } | undefined {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: strip ANSI colours first.
  const text = output.replace(/\u001b\[[0-9;]*m/g, '');
  const match = /Total Upload:\s*([\d.]+)\s*KiB\s*\/\s*gzip:\s*([\d.]+)\s*KiB/.exec(text);
  return match ? { raw_kib: Number(match[1]), gzip_kib: Number(match[2]) } : undefined;
}

export interface BundleOptions {
  /** Where wrangler writes the bundle; a temporary folder (removed afterwards) when omitted. */
  outdir?: string;
  /** Static assets folder to pass as --assets (default: wrangler.toml's, dist/client). */
  assets?: string;
  /** Folder with wrangler.toml (default: the project root). */
  cwd?: string;
  /** Receives wrangler's output as it comes (default: dropped; it is in the error when wrangler fails). */
  onOutput?: (chunk: string) => void;
}

/** Runs `wrangler deploy --dry-run --outdir DIR` quietly and offline; resolves with its output. */
export async function bundleWorker(outdir: string, options: Omit<BundleOptions, 'outdir'> = {}): Promise<string> {
  const args = ['deploy', '--dry-run', '--outdir', outdir];
  if (options.assets) args.push('--assets', options.assets);
  const child = spawnWrangler(args, { cwd: options.cwd ?? PROJECT_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const collect = (chunk: Buffer) => {
    const text = chunk.toString();
    output += text;
    options.onOutput?.(text);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const code = await exitCode(child);
  if (code !== 0) {
    throw new Error(`wrangler ${args.join(' ')} exited ${code}:\n${output.trim()}`);
  }
  return output;
}

/** Bundles the Worker (dry run) and measures it. */
export async function measureBundle(options: BundleOptions = {}): Promise<BundleReport> {
  const outdir = options.outdir ?? (await mkdtemp(join(tmpdir(), 'kindling-bundle-')));
  try {
    const output = await bundleWorker(outdir, options);
    const report = await measureBundleDir(outdir);
    const reported = parseWranglerTotalUpload(output);
    return reported ? { ...report, wrangler_reported: reported } : report;
  } finally {
    if (!options.outdir) await rm(outdir, { recursive: true, force: true });
  }
}

/** A human-readable summary (for stderr or the deploy script). */
export function describeBundle(report: BundleReport): string {
  const mib = (n: number) => `${(n / 1024 / 1024).toFixed(2)} MiB`;
  const lines = report.files.map((f) => `  ${f.name}: ${mib(f.raw)} raw, ${mib(f.gzip)} gzip`);
  lines.push(`  total: ${mib(report.raw_bytes)} raw, ${mib(report.gzip_bytes)} gzip`);
  const plan =
    report.gzip_bytes <= report.free_plan_limit_gzip
      ? 'within the Free plan limit (3 MiB gzip)'
      : report.gzip_bytes <= report.paid_plan_limit_gzip
        ? 'over the Free plan limit (3 MiB gzip): deploying needs the Workers Paid plan (10 MiB gzip)'
        : 'over the Paid plan limit (10 MiB gzip): Cloudflare will refuse this Worker';
  lines.push(`  ${plan}`);
  return lines.join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values } = parseArgs({ options: { outdir: { type: 'string' }, assets: { type: 'string' } } });
  try {
    const report = await measureBundle({
      ...(values.outdir ? { outdir: values.outdir } : {}),
      ...(values.assets ? { assets: values.assets } : {}),
      onOutput: (chunk) => process.stderr.write(chunk),
    });
    console.error(describeBundle(report));
    console.log(JSON.stringify(report));
  } catch (err) {
    console.error(`error: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  }
}
