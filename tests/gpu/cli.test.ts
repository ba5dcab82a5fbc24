import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = new URL('../../', import.meta.url);
const dir = mkdtempSync(join(tmpdir(), 'kindling-cli-'));

/** Runs an npm script's entry point the way `npm run <name> --` does; never throws. */
async function cli(script: 'train' | 'sample', args: string[]) {
  const node = ['--import', 'tsx', '--import', './scripts/node-loader/register.mjs', `scripts/${script}.ts`];
  try {
    const { stdout, stderr } = await run(process.execPath, [...node, ...args], { cwd: root, timeout: 120_000 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('npm run train / npm run sample', () => {
  it('trains, ends with one JSON line, and the checkpoint samples and resumes', async () => {
    const out = join(dir, 'run.safetensors');
    const args = ['--model', 'gpt', '--preset', 'tiny', '--data', 'names', '--seed', '1', '--batch', '2'];
    const trained = await cli('train', [...args, '--steps', '6', '--eval-every', '3', '--out', out]);
    expect(trained.code, trained.stderr).toBe(0);
    const last = JSON.parse(trained.stdout.trim().split('\n').at(-1) as string);
    expect(Object.keys(last)).toEqual(['steps', 'train_loss', 'val_loss', 'tokens_per_s', 'seconds']);
    expect(last.steps).toBe(6);
    expect(last.val_loss).toBeGreaterThan(0);
    expect(last.tokens_per_s).toBeGreaterThan(0);

    const sampled = await cli('sample', ['--ckpt', out, '--prompt', 'Ma', '--max-tokens', '8', '--greedy']);
    expect(sampled.code, sampled.stderr).toBe(0);
    expect(sampled.stdout.length).toBeGreaterThan(0);
    expect(sampled.stderr).toBe('');

    const resumed = await cli('train', [
      '--data',
      'names',
      '--resume',
      out,
      '--steps',
      '8',
      '--out',
      join(dir, 'more.safetensors'),
    ]);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(JSON.parse(resumed.stdout.trim().split('\n').at(-1) as string).steps).toBe(8);
  });

  it('refuses bad input with one clear line: not UTF-8, too short, a corrupt checkpoint, a bad flag', async () => {
    const latin1 = join(dir, 'latin1.txt');
    writeFileSync(latin1, Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x20, 0x6f, 0x6b]));
    const notUtf8 = await cli('train', ['--data', latin1, '--steps', '1']);
    expect(notUtf8.code).toBe(1);
    expect(notUtf8.stderr).toContain('not UTF-8 text: invalid bytes at byte offset 3');

    const short = join(dir, 'short.txt');
    writeFileSync(short, 'too short to train on');
    const tooShort = await cli('train', ['--data', short, '--steps', '1']);
    expect(tooShort.code).toBe(1);
    expect(tooShort.stderr).toContain('too short for context length 32');

    const corrupt = join(dir, 'corrupt.safetensors');
    writeFileSync(corrupt, Buffer.from('not a checkpoint at all'));
    const badCkpt = await cli('sample', ['--ckpt', corrupt]);
    expect(badCkpt.code).toBe(1);
    expect(badCkpt.stderr).toMatch(/^error: checkpoint: safetensors: /);

    const badFlag = await cli('train', ['--data', 'names', '--steps', 'many']);
    expect(badFlag.code).toBe(2);
    expect(badFlag.stderr).toContain('--steps many: expected an integer');
  });
});
