import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  FREE_PLAN_LIMIT_GZIP,
  isUploadedModule,
  measureBundle,
  PAID_PLAN_LIMIT_GZIP,
  parseWranglerTotalUpload,
} from '../../bench/bundle-size';
import {
  deployTargets,
  errorBlock,
  extractJson,
  failureMessage,
  PLACEHOLDER_D1_ID,
  parseD1CreateOutput,
  parseD1List,
  parseR2BucketList,
  parseWhoami,
  parseWranglerOutputFile,
  readD1Binding,
  readR2BucketName,
  readTopLevelString,
  setD1DatabaseId,
  WranglerTomlError,
} from '../../scripts/deploy-config';

const root = new URL('../../', import.meta.url);
const REAL_ID = '3f2b9c1e-7a4d-4e8b-9f0a-12ab34cd56ef';
const OTHER_ID = 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee';

/** The lines of `after` that differ from `before` (same line count expected). */
function changedLines(before: string, after: string): Array<[string, string]> {
  const a = before.split('\n');
  const b = after.split('\n');
  expect(b.length).toBe(a.length);
  return a.flatMap((line, i): Array<[string, string]> => (line === b[i] ? [] : [[line, b[i] ?? '']]));
}

describe('wrangler.toml: recording the D1 database id', () => {
  it("replaces the project's placeholder and leaves every other byte alone", async () => {
    const toml = await readFile(new URL('wrangler.toml', root), 'utf8');
    expect(readD1Binding(toml, 'DB')).toMatchObject({ databaseName: 'kindling' });
    // Another session may already have run a deploy here: start from the placeholder either way.
    const current = readD1Binding(toml, 'DB')?.databaseId ?? PLACEHOLDER_D1_ID;
    const pristine = toml.replace(`database_id = "${current}"`, `database_id = "${PLACEHOLDER_D1_ID}"`);

    const edit = setD1DatabaseId(pristine, 'DB', REAL_ID);
    expect(edit.changed).toBe(true);
    expect(edit.previous).toBe(PLACEHOLDER_D1_ID);
    expect(changedLines(pristine, edit.text)).toEqual([
      [`database_id = "${PLACEHOLDER_D1_ID}"`, `database_id = "${REAL_ID}"`],
    ]);
    expect(edit.text.length).toBe(pristine.length);
    expect(readD1Binding(edit.text, 'DB')?.databaseId).toBe(REAL_ID);
    // Comments stay, including the one above the id.
    for (const comment of pristine.split('\n').filter((l) => l.trimStart().startsWith('#'))) {
      expect(edit.text).toContain(comment);
    }
    expect(readR2BucketName(edit.text, 'CHECKPOINTS')).toBe('kindling-checkpoints');
    expect(readTopLevelString(edit.text, 'name')).toBe('kindling');
    expect(readTopLevelString(edit.text, 'account_id')).toBeUndefined();
    // Keys inside tables are not top-level.
    expect(readTopLevelString(edit.text, 'bucket_name')).toBeUndefined();
  });

  it('leaves an id that is already recorded alone, and updates one that differs', () => {
    const toml = `name = "x"\n\n[[d1_databases]]\nbinding = "DB"\ndatabase_name = "kindling"\ndatabase_id = "${REAL_ID}" # mine\n`;
    const same = setD1DatabaseId(toml, 'DB', REAL_ID);
    expect(same).toEqual({ text: toml, changed: false, previous: REAL_ID });

    const other = setD1DatabaseId(toml, 'DB', OTHER_ID);
    expect(other.changed).toBe(true);
    expect(other.previous).toBe(REAL_ID);
    expect(other.text).toBe(toml.replace(REAL_ID, OTHER_ID));
    expect(other.text).toContain(`database_id = "${OTHER_ID}" # mine\n`);
  });

  it('edits only the entry with the DB binding, keeps CRLF and single quotes, and adds a missing id line', () => {
    const toml = [
      '# top',
      '[[d1_databases]]',
      'binding = "OTHER"',
      'database_name = "other"',
      `database_id = "${PLACEHOLDER_D1_ID}"`,
      '',
      '[[d1_databases]]',
      "  binding = 'DB'",
      "  database_name = 'kindling'",
      "  database_id = '00000000-0000-0000-0000-000000000000'",
      '',
      '[[env.staging.d1_databases]]',
      'binding = "DB"',
      `database_id = "${PLACEHOLDER_D1_ID}"`,
      '',
    ].join('\r\n');
    const edit = setD1DatabaseId(toml, 'DB', REAL_ID);
    expect(edit.text).toBe(toml.replace(`'${PLACEHOLDER_D1_ID}'`, `'${REAL_ID}'`));
    expect(edit.text.match(new RegExp(PLACEHOLDER_D1_ID, 'g'))).toHaveLength(2);

    const noId = '[[d1_databases]]\r\n  binding = "DB"\r\n  database_name = "kindling"\r\n  migrations_dir = "m"\r\n';
    const added = setD1DatabaseId(noId, 'DB', REAL_ID);
    expect(added.previous).toBeUndefined();
    expect(added.text).toBe(
      `[[d1_databases]]\r\n  binding = "DB"\r\n  database_name = "kindling"\r\n  database_id = "${REAL_ID}"\r\n  migrations_dir = "m"\r\n`,
    );
    // The anchor line is the last line, with no newline.
    expect(setD1DatabaseId('[[d1_databases]]\nbinding = "DB"', 'DB', REAL_ID).text).toBe(
      `[[d1_databases]]\nbinding = "DB"\ndatabase_id = "${REAL_ID}"`,
    );
  });

  it('refuses a file with no DB binding, and an id that is not a UUID', () => {
    const noDb = 'name = "kindling"\n[[r2_buckets]]\nbinding = "DB"\nbucket_name = "b"\n';
    expect(() => setD1DatabaseId(noDb, 'DB', REAL_ID)).toThrow(WranglerTomlError);
    expect(() => setD1DatabaseId(noDb, 'DB', REAL_ID)).toThrow(/no \[\[d1_databases\]\] entry with binding = "DB"/);
    expect(() => setD1DatabaseId('[[d1_databases]]\nbinding = "OTHER"\n', 'DB', REAL_ID)).toThrow(WranglerTomlError);
    expect(readD1Binding(noDb, 'DB')).toBeUndefined();
    const ok = '[[d1_databases]]\nbinding = "DB"\n';
    expect(() => setD1DatabaseId(ok, 'DB', 'not-a-uuid')).toThrow(/not a D1 database id/);
  });
});

describe('parsing wrangler output', () => {
  it('reads `wrangler d1 list --json`, also with noise around it', () => {
    const list = [
      { uuid: REAL_ID, name: 'kindling', created_at: '2026-12-01T10:00:00.000Z', version: 'production', num_tables: 4 },
      { uuid: OTHER_ID, name: 'other', created_at: null, version: 'production' },
      { name: 'broken' },
    ];
    const expected = [
      { name: 'kindling', uuid: REAL_ID },
      { name: 'other', uuid: OTHER_ID },
    ];
    expect(parseD1List(JSON.stringify(list, null, 2))).toEqual(expected);
    const noisy = `\u001b[33m▲ [WARNING]\u001b[0m a new version of wrangler is available\n${JSON.stringify(list, null, 2)}\n`;
    expect(parseD1List(noisy)).toEqual(expected);
    expect(parseD1List(JSON.stringify({ result: list }))).toEqual(expected);
    expect(parseD1List('[]')).toEqual([]);
    expect(() => parseD1List('')).toThrow(/unexpected output/);
    expect(() => parseD1List('✘ [ERROR] Authentication error [code: 10000]')).toThrow(/unexpected output/);
  });

  it('reads `wrangler d1 create`, `wrangler r2 bucket list` and `wrangler whoami --json`', () => {
    const created = [
      "✅ Successfully created DB 'kindling' in region WNAM",
      'Created your new D1 database.',
      '',
      'To access your new D1 Database in your Worker, add the following snippet to your configuration file:',
      '[[d1_databases]]',
      'binding = "kindling"',
      'database_name = "kindling"',
      `database_id = "${REAL_ID}"`,
    ].join('\n');
    expect(parseD1CreateOutput(created)).toBe(REAL_ID);
    expect(parseD1CreateOutput(`{"d1_databases":[{"binding":"kindling","database_id":"${OTHER_ID}"}]}`)).toBe(OTHER_ID);
    expect(parseD1CreateOutput('no id here')).toBeUndefined();

    const buckets =
      'Listing buckets...\nname:           kindling-checkpoints\ncreation_date:  2026-12-01T10:00:00.000Z\n\nname:           other\ncreation_date:  2026-11-01T10:00:00.000Z\n';
    expect(parseR2BucketList(buckets)).toEqual(['kindling-checkpoints', 'other']);
    expect(parseR2BucketList('\u001b[37mname:\u001b[39m  \u001b[90mcolored\u001b[39m')).toEqual(['colored']);
    expect(parseR2BucketList('Listing buckets...\n')).toEqual([]);

    expect(parseWhoami('{"loggedIn":false}')).toMatchObject({ loggedIn: false, accounts: [] });
    const who = parseWhoami(
      JSON.stringify({
        loggedIn: true,
        authType: 'OAuth Token',
        email: 'a@b.c',
        accounts: [{ id: 'acc1', name: 'Mine' }, { name: 'no id' }],
      }),
    );
    expect(who).toEqual({
      loggedIn: true,
      authType: 'OAuth Token',
      email: 'a@b.c',
      accounts: [{ id: 'acc1', name: 'Mine' }],
    });
    expect(parseWhoami('')).toBeUndefined();
    expect(extractJson('x {"a": 1} y')).toEqual({ a: 1 });
  });

  it("reads wrangler's WRANGLER_OUTPUT_FILE_PATH records: the deploy URL and the failure message", () => {
    const file = [
      '{"type":"wrangler-session","version":1,"wrangler_version":"4.86.0"}',
      '{"type":"deploy","version":1,"worker_name":"kindling","targets":["https://kindling.me.workers.dev"]}',
      '{"type":"command-failed","version":1,"message":"Authentication error [code: 10000]"}',
      '{"type":"torn',
    ].join('\n');
    const entries = parseWranglerOutputFile(file);
    expect(entries.map((e) => e.type)).toEqual(['wrangler-session', 'deploy', 'command-failed']);
    expect(deployTargets(entries)).toEqual(['https://kindling.me.workers.dev']);
    expect(failureMessage(entries)).toBe('Authentication error [code: 10000]');
    expect(deployTargets(parseWranglerOutputFile('{"type":"deploy","version":1}'))).toEqual([]);
    // What wrangler 4.86 prints on stderr when the API refuses (colours included).
    const stderr = [
      '\u001b[31m✘ \u001b[41;31m[\u001b[41;97mERROR\u001b[41;31m]\u001b[0m \u001b[1mA request to the Cloudflare API (/accounts/acc/r2/buckets) failed.\u001b[0m',
      '',
      '  Authentication error [code: 10000]',
      '',
      '',
      '🪵  Logs were written to "/root/.config/.wrangler/logs/wrangler.log"',
      '',
    ].join('\n');
    expect(errorBlock(stderr)).toBe(
      'A request to the Cloudflare API (/accounts/acc/r2/buckets) failed.\n  Authentication error [code: 10000]',
    );
    expect(errorBlock('all fine\n')).toBeUndefined();
    expect(parseWranglerTotalUpload('Total Upload: 15981.91 KiB / gzip: 4002.21 KiB')).toEqual({
      raw_kib: 15981.91,
      gzip_kib: 4002.21,
    });
  });
});

describe('bundle size (a real `wrangler deploy --dry-run`)', () => {
  it('counts the modules wrangler would upload, not its README or source maps', () => {
    expect(isUploadedModule('index.js')).toBe(true);
    expect(isUploadedModule('b8178b4a-ort-wasm-simd-threaded.wasm')).toBe(true);
    expect(isUploadedModule('README.md')).toBe(false);
    expect(isUploadedModule('index.js.map')).toBe(false);
  });

  it('bundles the Worker with the ORT wasm and measures raw and gzip sizes', { timeout: 120_000 }, async () => {
    // The Worker's size does not depend on the static assets: hand wrangler a
    // one-file assets folder, so the test neither needs dist/client nor races a build.
    const assets = await mkdtemp(join(tmpdir(), 'kindling-assets-'));
    try {
      await writeFile(join(assets, 'index.html'), '<!doctype html><title>Kindling</title>');
      const report = await measureBundle({ assets });
      const names = report.files.map((f) => f.name);
      expect(names).toContain('index.js');
      expect(names.some((n) => n.endsWith('ort-wasm-simd-threaded.wasm'))).toBe(true);
      expect(names.some((n) => n === 'README.md' || n.endsWith('.map'))).toBe(false);
      for (const f of report.files) {
        expect(f.raw).toBeGreaterThan(0);
        expect(f.gzip).toBeGreaterThan(0);
        expect(f.gzip).toBeLessThan(f.raw);
      }
      expect(report.raw_bytes).toBe(report.files.reduce((s, f) => s + f.raw, 0));
      expect(report.gzip_bytes).toBe(report.files.reduce((s, f) => s + f.gzip, 0));
      expect(report.gzip_bytes).toBeLessThan(report.raw_bytes);
      // Matches wrangler's own "Total Upload" raw figure to the byte (it prints KiB with 2 decimals).
      expect(report.wrangler_reported?.raw_kib).toBeCloseTo(report.raw_bytes / 1024, 1);
      expect(report.free_plan_limit_gzip).toBe(FREE_PLAN_LIMIT_GZIP);
      // The README says it: over the Free plan's 3 MiB, within the Paid plan's 10 MiB.
      expect(report.gzip_bytes).toBeLessThan(PAID_PLAN_LIMIT_GZIP);
      console.log(JSON.stringify(report));
    } finally {
      await rm(assets, { recursive: true, force: true });
    }
  });
});
