// Pure helpers for `npm run deploy` (scripts/deploy.ts): the wrangler.toml
// edit that records the D1 database id, and defensive parsers for what
// wrangler 4.86 prints. No I/O here, so every function is unit-tested
// (tests/unit/deploy.test.ts).

/** The database_id wrangler.toml ships with, for local development only. */
export const PLACEHOLDER_D1_ID = '00000000-0000-0000-0000-000000000000';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const UUID_ANYWHERE = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

export function isUuid(value: string): boolean {
  return UUID.test(value);
}

/** A real D1 id: a UUID that is not the all-zero placeholder. */
export function isRealD1Id(value: string | undefined): value is string {
  return value !== undefined && isUuid(value) && value !== PLACEHOLDER_D1_ID;
}

// ---------------------------------------------------------------------------
// wrangler.toml: a line-based reader/editor for the few keys deploy needs.
// It understands top-level `[[d1_databases]]` / `[[r2_buckets]]` tables with
// `key = "value"` lines (the form wrangler.toml uses), and keeps every other
// byte of the file as it is: comments, blank lines, order, line endings.

export class WranglerTomlError extends Error {
  override name = 'WranglerTomlError';
}

interface KeyLine {
  index: number;
  key: string;
  value: string;
}

interface TomlTable {
  /** Index of the `[[name]]` header line. */
  header: number;
  /** Index one past the table's last line (the next header, or the end). */
  end: number;
  keys: KeyLine[];
}

/** `key = "value"` or `key = 'value'`, with an optional trailing comment. */
const KEY_LINE = /^(\s*)([A-Za-z0-9_-]+)(\s*=\s*)(["'])(.*?)\4(.*)$/;
const ANY_HEADER = /^\s*\[/;

/** Splits into lines that keep their own line ending, so join('') gives the text back exactly. */
function splitLines(text: string): string[] {
  return text.split(/(?<=\n)/);
}

function lineEnding(line: string): string {
  return line.endsWith('\r\n') ? '\r\n' : line.endsWith('\n') ? '\n' : '';
}

function withoutEnding(line: string): string {
  return line.slice(0, line.length - lineEnding(line).length);
}

function tablesOf(lines: string[], arrayName: string): TomlTable[] {
  const header = new RegExp(`^\\s*\\[\\[\\s*${arrayName}\\s*\\]\\]\\s*(#.*)?$`);
  const tables: TomlTable[] = [];
  let current: TomlTable | undefined;
  lines.forEach((rawLine, index) => {
    const line = withoutEnding(rawLine);
    if (ANY_HEADER.test(line)) {
      if (current) current.end = index;
      current = undefined;
      if (header.test(line)) {
        current = { header: index, end: lines.length, keys: [] };
        tables.push(current);
      }
      return;
    }
    const match = current ? KEY_LINE.exec(line) : null;
    if (current && match) current.keys.push({ index, key: match[2] ?? '', value: match[5] ?? '' });
  });
  return tables;
}

function tableWithBinding(lines: string[], arrayName: string, binding: string): TomlTable | undefined {
  return tablesOf(lines, arrayName).find((t) => t.keys.some((k) => k.key === 'binding' && k.value === binding));
}

function tableValue(table: TomlTable, key: string): string | undefined {
  return table.keys.find((k) => k.key === key)?.value;
}

export interface D1Binding {
  binding: string;
  databaseName: string | undefined;
  databaseId: string | undefined;
}

/** The `[[d1_databases]]` entry with `binding = "<binding>"`, or undefined. */
export function readD1Binding(toml: string, binding: string): D1Binding | undefined {
  const table = tableWithBinding(splitLines(toml), 'd1_databases', binding);
  if (!table) return undefined;
  return { binding, databaseName: tableValue(table, 'database_name'), databaseId: tableValue(table, 'database_id') };
}

/** The bucket_name of the `[[r2_buckets]]` entry with `binding = "<binding>"`, or undefined. */
export function readR2BucketName(toml: string, binding: string): string | undefined {
  const table = tableWithBinding(splitLines(toml), 'r2_buckets', binding);
  return table ? tableValue(table, 'bucket_name') : undefined;
}

/** A `key = "value"` before the first table header (e.g. account_id), or undefined. */
export function readTopLevelString(toml: string, key: string): string | undefined {
  for (const rawLine of splitLines(toml)) {
    const line = withoutEnding(rawLine);
    if (ANY_HEADER.test(line)) return undefined;
    const match = KEY_LINE.exec(line);
    if (match && match[2] === key) return match[5];
  }
  return undefined;
}

export interface D1IdEdit {
  /** The whole file, with only the database_id value changed (or one line added). */
  text: string;
  changed: boolean;
  /** The id the file had before (undefined when it had no database_id line). */
  previous: string | undefined;
}

/**
 * Sets `database_id` of the `[[d1_databases]]` entry whose binding is
 * `binding` to `id`. Only that value changes; when the entry has no
 * database_id line, one is added after its database_name (or binding) line
 * with the same indentation and line ending. Setting the id the file already
 * has returns the text unchanged. Throws WranglerTomlError when there is no
 * such entry or `id` is not a UUID.
 */
export function setD1DatabaseId(toml: string, binding: string, id: string): D1IdEdit {
  if (!isUuid(id)) throw new WranglerTomlError(`'${id}' is not a D1 database id (a UUID)`);
  const lines = splitLines(toml);
  const table = tableWithBinding(lines, 'd1_databases', binding);
  if (!table) {
    throw new WranglerTomlError(`wrangler.toml has no [[d1_databases]] entry with binding = "${binding}"`);
  }
  const existing = table.keys.find((k) => k.key === 'database_id');
  if (existing) {
    if (existing.value === id) return { text: toml, changed: false, previous: existing.value };
    const line = lines[existing.index] ?? '';
    const match = KEY_LINE.exec(withoutEnding(line));
    if (!match) throw new WranglerTomlError('could not re-read the database_id line');
    const [, indent, key, equals, quote, , rest] = match;
    lines[existing.index] = `${indent}${key}${equals}${quote}${id}${quote}${rest}${lineEnding(line)}`;
    return { text: lines.join(''), changed: true, previous: existing.value };
  }
  const anchor = table.keys.find((k) => k.key === 'database_name') ?? table.keys.find((k) => k.key === 'binding');
  const anchorIndex = anchor?.index ?? table.header;
  const anchorLine = lines[anchorIndex] ?? '';
  const indent = /^\s*/.exec(anchor ? anchorLine : '')?.[0] ?? '';
  let ending = lineEnding(anchorLine);
  if (ending === '') {
    // The anchor is the file's last line, with no newline: give it one.
    ending = toml.includes('\r\n') ? '\r\n' : '\n';
    lines[anchorIndex] = anchorLine + ending;
    lines.splice(anchorIndex + 1, 0, `${indent}database_id = "${id}"`);
  } else {
    lines.splice(anchorIndex + 1, 0, `${indent}database_id = "${id}"${ending}`);
  }
  return { text: lines.join(''), changed: true, previous: undefined };
}

// ---------------------------------------------------------------------------
// wrangler output.

/** Removes ANSI colour and cursor sequences (FORCE_COLOR may be set). */
export function stripAnsi(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI escapes start with ESC.
  return text.replace(/\u001b\[[0-9;?]*[ -/]*[@-~]/g, '');
}

/**
 * The JSON value in a command's stdout. wrangler prints `--json` output alone,
 * but a warning or an update notice may end up around it: try the whole text,
 * then from each line that opens with `{` or `[` to the end, then the span
 * between the first opener and the last closer. Undefined when nothing parses.
 */
export function extractJson(stdout: string): unknown {
  const text = stripAnsi(stdout).trim();
  const attempts = [text];
  const lines = text.split('\n');
  lines.forEach((line, i) => {
    if (/^\s*[[{]/.test(line)) attempts.push(lines.slice(i).join('\n'));
  });
  for (const [open, close] of [
    ['[', ']'],
    ['{', '}'],
  ] as const) {
    const first = text.indexOf(open);
    const last = text.lastIndexOf(close);
    if (first >= 0 && last > first) attempts.push(text.slice(first, last + 1));
  }
  for (const attempt of attempts) {
    try {
      return JSON.parse(attempt);
    } catch {
      // try the next candidate
    }
  }
  return undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export interface WhoamiAccount {
  id: string;
  name: string;
}

export interface Whoami {
  loggedIn: boolean;
  email: string | undefined;
  authType: string | undefined;
  accounts: WhoamiAccount[];
}

/** `wrangler whoami --json`; undefined when stdout holds no JSON object. */
export function parseWhoami(stdout: string): Whoami | undefined {
  const json = extractJson(stdout);
  if (!isRecord(json) || typeof json.loggedIn !== 'boolean') return undefined;
  const accounts = Array.isArray(json.accounts)
    ? json.accounts
        .filter(isRecord)
        .flatMap((a) => (typeof a.id === 'string' ? [{ id: a.id, name: String(a.name ?? '') }] : []))
    : [];
  return {
    loggedIn: json.loggedIn,
    email: typeof json.email === 'string' ? json.email : undefined,
    authType: typeof json.authType === 'string' ? json.authType : undefined,
    accounts,
  };
}

export interface D1Database {
  name: string;
  uuid: string;
}

/**
 * `wrangler d1 list --json`: an array of `{ uuid, name, created_at, ... }`
 * (also accepted: an API-style `{ result: [...] }`). Entries without a string
 * name and uuid are skipped. Throws when the output is not such a list.
 */
export function parseD1List(stdout: string): D1Database[] {
  let json = extractJson(stdout);
  if (isRecord(json) && Array.isArray(json.result)) json = json.result;
  if (!Array.isArray(json)) {
    throw new Error(
      `unexpected output from 'wrangler d1 list --json': ${stripAnsi(stdout).trim().slice(0, 200) || '(empty)'}`,
    );
  }
  return json.filter(isRecord).flatMap((db) => {
    const uuid = db.uuid ?? db.database_id ?? db.id;
    return typeof db.name === 'string' && typeof uuid === 'string' ? [{ name: db.name, uuid }] : [];
  });
}

/** The new database's id from `wrangler d1 create` (it prints a TOML or JSON snippet with database_id). */
export function parseD1CreateOutput(stdout: string): string | undefined {
  const text = stripAnsi(stdout);
  const keyed = /"?database_id"?\s*[=:]\s*["']([0-9a-f-]{36})["']/i.exec(text)?.[1];
  if (keyed && isUuid(keyed)) return keyed;
  const any = UUID_ANYWHERE.exec(text)?.[0];
  return any && any !== PLACEHOLDER_D1_ID ? any : undefined;
}

/**
 * Bucket names from `wrangler r2 bucket list` (no --json in 4.86): blocks of
 * `name:           <bucket>` / `creation_date:  <date>` lines.
 */
export function parseR2BucketList(stdout: string): string[] {
  const names: string[] = [];
  for (const line of stripAnsi(stdout).split(/\r?\n/)) {
    const match = /^\s*name:\s+(\S+)\s*$/.exec(line);
    if (match?.[1]) names.push(match[1]);
  }
  return names;
}

/** One record of the ND-JSON file wrangler writes to WRANGLER_OUTPUT_FILE_PATH. */
export interface WranglerOutputEntry {
  type: string;
  [key: string]: unknown;
}

export function parseWranglerOutputFile(text: string): WranglerOutputEntry[] {
  const entries: WranglerOutputEntry[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      const entry: unknown = JSON.parse(line);
      if (isRecord(entry) && typeof entry.type === 'string') entries.push(entry as WranglerOutputEntry);
    } catch {
      // a torn last line: skip it
    }
  }
  return entries;
}

/** wrangler's own error message (`command-failed`), if it wrote one. */
export function failureMessage(entries: WranglerOutputEntry[]): string | undefined {
  const failed = entries.findLast((e) => e.type === 'command-failed');
  return typeof failed?.message === 'string' ? failed.message : undefined;
}

/** The URLs a `wrangler deploy` reports (its `deploy` record's targets). */
export function deployTargets(entries: WranglerOutputEntry[]): string[] {
  const deployed = entries.findLast((e) => e.type === 'deploy');
  return Array.isArray(deployed?.targets) ? deployed.targets.filter((t): t is string => typeof t === 'string') : [];
}

/** Worker URLs in wrangler deploy's text output, as a fallback (`https://<name>.<sub>.workers.dev`). */
export function urlsInDeployOutput(stdout: string): string[] {
  return [...stripAnsi(stdout).matchAll(/https:\/\/[^\s'"]+\.workers\.dev\b[^\s'"]*/g)].map((m) => m[0]);
}

/**
 * wrangler's error as it printed it: from its last `✘ [ERROR]` line to the
 * end, without colours, the log-file line or the "report a bug" boilerplate.
 * It has the details (e.g. `Authentication error [code: 10000]`) that the
 * one-line command-failed record lacks. Undefined when there is no such line.
 */
export function errorBlock(output: string): string | undefined {
  const lines = stripAnsi(output).split(/\r?\n/);
  const start = lines.findLastIndex((l) => /\[ERROR\]/.test(l));
  if (start < 0) return undefined;
  const boilerplate =
    /Logs were written to|If you think this is a bug|newer version of Wrangler|report this error to Cloudflare|Using fallback value in non-interactive context/;
  const block = lines
    .slice(start)
    .filter((l) => !boilerplate.test(l))
    .map((l, i) => (i === 0 ? l.replace(/^\s*✘\s*\[ERROR\]\s*/, '') : l.trimEnd()))
    .join('\n')
    .replace(/\n{2,}/g, '\n')
    .trim();
  return block || undefined;
}

/** The last few non-empty lines of a command's output, without colours: a fallback error message. */
export function tailOf(output: string, lines = 12): string {
  return stripAnsi(output)
    .split(/\r?\n/)
    .filter((l) => l.trim() !== '' && !l.includes('Logs were written to'))
    .slice(-lines)
    .join('\n');
}
