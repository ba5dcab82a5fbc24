import { mkdirSync } from 'node:fs';
import { type Browser, chromium, type Page } from 'playwright-core';

/** Where e2e screenshots go (git-ignored). */
export const OUTPUT_DIR = new URL('../../test-results/e2e/', import.meta.url);

export function outputPath(name: string): string {
  mkdirSync(OUTPUT_DIR, { recursive: true });
  return new URL(name, OUTPUT_DIR).pathname;
}

/**
 * Debian's Chromium with WebGPU on its SwiftShader adapter (no GPU needed).
 * Without --enable-unsafe-webgpu, headless Linux Chromium offers no adapter.
 */
export function launchChromium(): Promise<Browser> {
  const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  return chromium.launch({
    executablePath,
    args: [
      '--enable-unsafe-webgpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      // Chromium refuses to run as root with its sandbox on.
      ...(process.getuid?.() === 0 ? ['--no-sandbox'] : []),
    ],
  });
}

/** Page errors and console errors, so a broken script fails the test. */
export function collectErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(`console: ${msg.text()}`);
  });
  return errors;
}
