import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { cloudflareTest, readD1Migrations } from '@cloudflare/vitest-pool-workers';
import { defineConfig } from 'vitest/config';

// Dawn (the `webgpu` package) reads the Vulkan driver choice when it loads, so
// it is set here, in the parent process, before any test worker starts.
// SwiftShader (from Debian's chromium package) is the CPU adapter CI uses.
process.env.VK_ICD_FILENAMES ??= '/usr/lib/chromium/vk_swiftshader_icd.json';

const migrations = await readD1Migrations(fileURLToPath(new URL('./migrations', import.meta.url)));
// A tiny GPT trained by `npm run train` (200 steps on names), handed to the Worker tests as base64.
const tinyNamesCheckpoint = readFileSync(new URL('./tests/fixtures/tiny-names.safetensors', import.meta.url)).toString(
  'base64',
);

export default defineConfig({
  test: {
    projects: [
      {
        test: { name: 'unit', include: ['tests/unit/**/*.test.ts'], environment: 'node' },
      },
      {
        // Kernels on Dawn-node; SwiftShader compiles slowly, so timeouts are generous.
        test: {
          name: 'gpu',
          include: ['tests/gpu/**/*.test.ts'],
          pool: 'forks',
          testTimeout: 120_000,
          hookTimeout: 60_000,
        },
      },
      {
        // The Worker inside workerd, with wrangler.toml's bindings and the migrations applied.
        plugins: [
          cloudflareTest({
            wrangler: { configPath: './wrangler.toml' },
            miniflare: {
              bindings: {
                TEST_MIGRATIONS: migrations,
                TEST_TINY_NAMES_B64: tinyNamesCheckpoint,
                MAX_CHECKPOINT_BYTES: String(1024 * 1024),
              },
            },
          }),
        ],
        test: {
          name: 'worker',
          include: ['tests/worker/**/*.test.ts'],
          // The first /complete in a file loads onnxruntime's 12 MB wasm into workerd.
          testTimeout: 60_000,
          setupFiles: ['tests/worker/apply-migrations.ts'],
        },
      },
      {
        // A real browser against a real `wrangler dev`; runs after the others so
        // that two cores are not shared with the GPU tests.
        test: {
          name: 'e2e',
          include: ['tests/e2e/**/*.test.ts'],
          // One file at a time: each starts its own wrangler dev and Chromium, and
          // several at once on two cores starve SwiftShader (a reload then times out).
          fileParallelism: false,
          testTimeout: 180_000,
          hookTimeout: 120_000,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
