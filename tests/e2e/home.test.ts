import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, outputPath } from './browser';
import { startTestServer } from './server';

let server: Awaited<ReturnType<typeof startTestServer>>;
let browser: Browser;

beforeAll(async () => {
  server = await startTestServer();
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await server?.cleanup();
});

/** Page errors and console errors, so a broken script fails the test. */
function collectErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(`console: ${msg.text()}`);
  });
  return errors;
}

describe('home page in Chromium with WebGPU (SwiftShader)', () => {
  it('finds the adapter, passes the matmul kernel check and reaches the API', async () => {
    const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
    const errors = collectErrors(page);
    await page.goto(server.url);

    const gpuStatus = page.locator('#gpu-status');
    await gpuStatus.and(page.locator('[data-state="ready"], [data-state="unavailable"]')).waitFor();
    expect(await gpuStatus.getAttribute('data-state'), await gpuStatus.innerText()).toBe('ready');
    expect(await page.locator('#adapter-table').innerText()).toMatch(/maxStorageBufferBindingSize/);

    const check = page.locator('#kernel-check');
    await check
      .and(page.locator('[data-state="pass"], [data-state="fail"], [data-state="error"]'))
      .waitFor({ timeout: 120_000 });
    expect(await check.getAttribute('data-state'), await check.innerText()).toBe('pass');
    expect(await page.locator('#kernel-table tbody tr').count()).toBe(3);

    const api = page.locator('#api-status');
    await api.and(page.locator('[data-state="ok"], [data-state="down"]')).waitFor();
    expect(await api.innerText()).toMatch(/D1 ok, R2 ok/);

    await page.screenshot({ path: outputPath('home-webgpu.png'), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('says plainly what to do when the browser has no WebGPU', async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
    // As in a browser without WebGPU: navigator.gpu is absent.
    await context.addInitScript(() => {
      Object.defineProperty(Navigator.prototype, 'gpu', { get: () => undefined, configurable: true });
    });
    const page = await context.newPage();
    const errors = collectErrors(page);
    await page.goto(server.url);
    const gpuStatus = page.locator('#gpu-status[data-state="unavailable"]');
    await gpuStatus.waitFor();
    const text = await gpuStatus.innerText();
    expect(text).toMatch(/WebGPU is not available in this browser/);
    expect(text).toMatch(/--enable-unsafe-webgpu/);
    expect(await page.locator('#kernel-check').getAttribute('data-state')).toBe('unavailable');
    await page.screenshot({ path: outputPath('home-no-webgpu.png'), fullPage: true });
    expect(errors).toEqual([]);
    await context.close();
  });
});
