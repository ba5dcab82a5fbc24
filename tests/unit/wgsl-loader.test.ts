import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import viteLoaded from '../../shaders/matmul_forward.wgsl?raw';

const root = new URL('../../', import.meta.url);

describe('WGSL loads the same way in Vite and in plain Node', () => {
  it('gives the file text through Vite (vitest) and through the Node loader hook', () => {
    const onDisk = readFileSync(new URL('shaders/matmul_forward.wgsl', root), 'utf8');
    expect(viteLoaded).toBe(onDisk);
    const script = "import('./shaders/matmul_forward.wgsl?raw').then((m) => process.stdout.write(m.default))";
    const nodeLoaded = execFileSync(
      process.execPath,
      ['--import', 'tsx', '--import', './scripts/node-loader/register.mjs', '--input-type=module', '-e', script],
      { cwd: root, encoding: 'utf8' },
    );
    expect(nodeLoaded).toBe(onDisk);
  });
});
