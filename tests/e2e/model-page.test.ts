import { readFile } from 'node:fs/promises';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectErrors, launchChromium, outputPath } from './browser';
import { startTestServer } from './server';

// The model page (/m/<id>), /runs and the home page's model list against a real
// `wrangler dev`: a checkpoint, and its fork linked to a run with metrics.
// Greedy text from the browser's WGSL engine must equal the edge's /complete.

let server: Awaited<ReturnType<typeof startTestServer>>;
let browser: Browser;
let parentId = '';
let childId = '';
let runId = '';
const fileBytes = new Uint8Array(await readFile(new URL('../fixtures/tiny-names.safetensors', import.meta.url)));
const PROMPT = '\nMa';
const MAX_TOKENS = 24;

async function postJson(path: string, body: unknown, token?: string): Promise<Record<string, unknown>> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  const response = await fetch(`${server.url}${path}`, { method: 'POST', body: JSON.stringify(body), headers });
  expect(response.ok, `${path}: ${await response.clone().text()}`).toBe(true);
  return (await response.json()) as Record<string, unknown>;
}

async function upload(query: string): Promise<string> {
  const response = await fetch(`${server.url}/api/checkpoints?${query}`, {
    method: 'POST',
    body: fileBytes,
    headers: { 'content-type': 'application/octet-stream' },
  });
  expect(response.status, await response.clone().text()).toBe(201);
  return ((await response.json()) as { id: string }).id;
}

beforeAll(async () => {
  server = await startTestServer();
  browser = await launchChromium();
  parentId = await upload('name=tiny-names');
  const run = await postJson('/api/runs', {
    model: 'gpt',
    preset: 'tiny',
    dataset: 'names',
    config: { layers: 2 },
    adapter: { vendor: 'e2e-vendor', architecture: 'swiftshader' },
  });
  runId = run.id as string;
  const points = [0, 10, 20, 30, 40].map((step, i) => ({
    step,
    train_loss: 5 - i * 0.5,
    val_loss: i % 2 === 0 ? 5.1 - i * 0.5 : null,
    tokens_per_s: 1000 + i,
  }));
  await postJson(`/api/runs/${runId}/metrics`, { seq: 0, points }, run.writeToken as string);
  childId = await upload(`name=tiny-names-fork&run=${runId}&parent=${parentId}`);
});
afterAll(async () => {
  await browser?.close();
  await server?.cleanup();
});

/** Fills the prompt box for a greedy completion and waits for the text. */
async function generateGreedy(page: Page): Promise<{ text: string; engine: string | null }> {
  await page.fill('#prompt', PROMPT);
  await page.fill('#max-tokens', String(MAX_TOKENS));
  await page.fill('#temperature', '0');
  await page.click('#generate');
  const output = page.locator('#generated[data-run="done"], #generated[data-run="error"]');
  await output.waitFor({ timeout: 180_000 });
  expect(await page.locator('#generate-error').textContent()).toBe('');
  const text = (await page.locator('#generated-text').textContent()) ?? '';
  return { text, engine: await output.getAttribute('data-engine') };
}

/** What POST /complete answers for the same checkpoint, prompt and options. */
async function edgeText(id: string): Promise<string> {
  const result = await postJson('/complete', {
    checkpoint: id,
    prompt: PROMPT,
    max_tokens: MAX_TOKENS,
    temperature: 0,
  });
  return result.text as string;
}

let gpuText = '';

describe('model page', () => {
  it('shows the fork: config, loss curves from its run, parent link and ready snippets', async () => {
    const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
    const errors = collectErrors(page);
    await page.goto(`${server.url}/m/${childId}`);
    await page.locator('#model-status[data-state="loaded"]').waitFor();
    expect(await page.locator('#model-name').textContent()).toBe('tiny-names-fork');
    expect(await page.locator('#fact-layers').textContent()).toBe('2');
    expect(await page.locator('#fact-heads').textContent()).toBe('2');
    expect(await page.locator('#fact-width').textContent()).toBe('32');
    expect(await page.locator('#fact-vocab').textContent()).toMatch(/^\d+ tokens$/);
    expect(await page.locator('#fact-params').textContent()).toMatch(/K$/);
    await page.locator('#model-curves[data-state="shown"] #loss-chart canvas').waitFor();
    expect(await page.locator('#loss-chart').getAttribute('data-points')).toBe('5');
    expect(await page.locator('#loss-chart .u-legend').innerText()).toMatch(/train loss[\s\S]*val loss/);
    const parent = page.locator('#parent-link');
    expect(await parent.getAttribute('href')).toBe(`/m/${parentId}`);
    const curl = (await page.locator('#curl-complete').textContent()) ?? '';
    expect(curl).toContain(`${server.url}/complete`);
    expect(curl).toContain(childId);
    expect(await page.locator('#curl-openai').textContent()).toContain(`${server.url}/v1/completions`);
    expect(await page.locator('#download-safetensors').getAttribute('href')).toBe(`/api/checkpoints/${childId}/file`);
    expect(await page.locator('#download-onnx').getAttribute('href')).toBe(`/api/checkpoints/${childId}/model.onnx`);
    expect(await page.locator('#fork-link').textContent()).toBe('Fork and fine-tune');
    await page.locator('#engine[data-state="gpu"]').waitFor();
    await page.screenshot({ path: outputPath('model-fork.png'), fullPage: true });

    // Fork and fine-tune: the Train page opens with this checkpoint picked.
    await page.click('#fork-link');
    await page.waitForURL(`**/train?from=${childId}`);
    await page.locator('#checkpoint-summary', { hasText: 'tiny-names-fork' }).waitFor();
    expect(await page.locator('input[name="start"][value="checkpoint"]').isChecked()).toBe(true);
    expect(await page.locator('#checkpoint-summary').textContent()).toMatch(
      /2 layers, 32 wide, 2 heads.*200 steps on names/,
    );
    expect(await page.locator('#preset').isDisabled()).toBe(true);
    await page.goto(`${server.url}/train?from=${'Z'.repeat(22)}`);
    await page.locator('#checkpoint-error', { hasText: 'could not be loaded' }).waitFor();
    expect(errors.filter((e) => !/status of 404/.test(e))).toEqual([]);
    await page.close();
  });

  it('lists the fork, says no metrics were shared, and generates greedy text on the GPU equal to /complete', async () => {
    const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
    const errors = collectErrors(page);
    await page.goto(`${server.url}/m/${parentId}`);
    await page.locator('#model-status[data-state="loaded"]').waitFor();
    const fork = page.locator('#model-fork-list a');
    await fork.first().waitFor();
    expect(await fork.getAttribute('href')).toBe(`/m/${childId}`);
    expect(await page.locator('#model-parent').textContent()).toMatch(/no parent/);
    expect(await page.locator('#model-curves[data-state="empty"]').textContent()).toMatch(/No metrics were shared/);
    const engine = page.locator('#engine[data-state="gpu"]');
    await engine.waitFor();
    expect(await engine.textContent()).toMatch(/^Generating on your GPU \(.+\)/);
    const result = await generateGreedy(page);
    expect(result.engine).toBe('gpu');
    expect(result.text.length).toBeGreaterThan(0);
    expect(result.text).toBe(await edgeText(parentId));
    gpuText = result.text;
    await page.screenshot({ path: outputPath('model-webgpu.png'), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('generates at the edge, and says so, in a browser without WebGPU (phone width)', async () => {
    const context: BrowserContext = await browser.newContext({ viewport: { width: 390, height: 844 } });
    // As in a browser without WebGPU: navigator.gpu is absent.
    await context.addInitScript(() => {
      Object.defineProperty(Navigator.prototype, 'gpu', { get: () => undefined, configurable: true });
    });
    const page = await context.newPage();
    const errors = collectErrors(page);
    await page.goto(`${server.url}/m/${parentId}`);
    const engine = page.locator('#engine[data-state="edge"]');
    await engine.waitFor();
    expect(await engine.textContent()).toMatch(/^Generating at the edge: WebGPU is not available in this browser/);
    const result = await generateGreedy(page);
    expect(result.engine).toBe('edge');
    expect(gpuText.length).toBeGreaterThan(0);
    expect(result.text).toBe(gpuText);
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(width).toBeLessThanOrEqual(390);
    await page.screenshot({ path: outputPath('model-no-webgpu-390.png'), fullPage: true });
    expect(errors).toEqual([]);
    await context.close();
  });

  it('falls back to the edge, and says so, when the GPU is lost before generating', async () => {
    const context = await browser.newContext({ viewport: { width: 1100, height: 900 } });
    // Keep the page's device reachable, so the test can lose it.
    await context.addInitScript(() => {
      const request = GPUAdapter.prototype.requestDevice;
      GPUAdapter.prototype.requestDevice = async function (this: GPUAdapter, ...args) {
        const device = await request.apply(this, args);
        (window as unknown as { testDevice: GPUDevice }).testDevice = device;
        return device;
      };
    });
    const page = await context.newPage();
    const errors = collectErrors(page);
    await page.goto(`${server.url}/m/${parentId}`);
    await page.locator('#engine[data-state="gpu"]').waitFor();
    await page.evaluate(() => (window as unknown as { testDevice: GPUDevice }).testDevice.destroy());
    const result = await generateGreedy(page);
    expect(result.engine).toBe('edge');
    expect(await page.locator('#engine[data-state="edge"]').textContent()).toMatch(/your GPU failed mid-way/);
    expect(result.text).toBe(gpuText);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('says plainly when no model has the id', async () => {
    const page = await browser.newPage({ viewport: { width: 1100, height: 700 } });
    const errors = collectErrors(page);
    const unknown = 'A'.repeat(22);
    await page.goto(`${server.url}/m/${unknown}`);
    const status = page.locator('#model-status[data-state="not-found"]');
    await status.waitFor();
    expect(await status.textContent()).toMatch(/No model with this id/);
    expect(await page.locator('#model-name').textContent()).toBe('No model with this id');
    expect(await page.locator('#model-main').isHidden()).toBe(true);
    await page.screenshot({ path: outputPath('model-not-found.png'), fullPage: true });
    // The browser itself logs the API's 404 for the lookup; nothing else may fail.
    expect(errors.filter((e) => !/status of 404/.test(e))).toEqual([]);
    await page.close();
  });
});

describe('runs and home', () => {
  it('/runs shows the leaderboard with the run’s preset and adapter', async () => {
    const page = await browser.newPage({ viewport: { width: 1100, height: 700 } });
    const errors = collectErrors(page);
    await page.goto(`${server.url}/runs`);
    await page.locator('#leaderboard-status[data-state="ready"]').waitFor();
    const best = await page.locator('#best-val-loss-table tbody').innerText();
    expect(best).toMatch(/names\s+tiny\s+3\.100\s+40/);
    expect(best).toContain(runId);
    const speed = await page.locator('#throughput-table tbody').innerText();
    expect(speed).toMatch(/e2e-vendor · swiftshader\s+1,002\s+1/);
    await page.screenshot({ path: outputPath('runs.png'), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('home lists the recent models with links, and links to Train and Runs but not to images', async () => {
    const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
    const errors = collectErrors(page);
    await page.goto(server.url);
    const links = page.locator('#recent-model-list a');
    await links.first().waitFor();
    const hrefs = await links.evaluateAll((nodes) => nodes.map((n) => n.getAttribute('href')));
    expect(hrefs).toEqual(expect.arrayContaining([`/m/${parentId}`, `/m/${childId}`]));
    expect(await page.locator('#recent-model-list').innerText()).toMatch(/tiny-names-fork\s+names · step \d+/);
    expect(await page.locator('a[href="/train"]', { hasText: 'Train a text model' }).count()).toBe(1);
    expect(await page.locator('a[href="/runs"]', { hasText: 'Runs and leaderboard' }).count()).toBe(1);
    expect(await page.locator('a', { hasText: /image/i }).count()).toBe(0);
    await page.locator('#kernel-check[data-state="pass"]').waitFor({ timeout: 120_000 });
    await page.screenshot({ path: outputPath('home-models.png'), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  });
});
