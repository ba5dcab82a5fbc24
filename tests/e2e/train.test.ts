import { readFile } from 'node:fs/promises';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readGptCheckpoint } from '../../client/checkpoint/gpt-checkpoint';
import { loadBundledCorpus } from '../../client/data/bundled-corpora.node.js';
import { sha256Hex } from '../../client/data/text-corpus';
import { collectErrors, launchChromium, outputPath } from './browser';
import { startTestServer } from './server';

// The Train text page in Chromium on SwiftShader: the tiny preset on the
// names (~0.15 s a step here), a reload that resumes from the autosave, a GPU
// process crash that resumes on a new device, and texts that are refused.

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

async function openTrainPage(): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
  const errors = collectErrors(page);
  await page.goto(`${server.url}/train`);
  await page.locator('#gpu-status[data-state="ready"]').waitFor();
  return { page, errors };
}

/** Records every step the page shows, to see where a run starts and that it only goes forward. */
async function recordSteps(page: Page): Promise<void> {
  await page.evaluate(() => {
    const node = document.getElementById('stat-step') as HTMLElement;
    const steps: number[] = [];
    (window as unknown as { shownSteps: number[] }).shownSteps = steps;
    new MutationObserver(() => steps.push(Number(node.dataset.value))).observe(node, { attributes: true });
  });
}

const shownSteps = (page: Page) => page.evaluate(() => (window as unknown as { shownSteps: number[] }).shownSteps);

const statValue = async (page: Page, id: string) => Number(await page.locator(id).getAttribute('data-value'));

interface ApiPoint {
  step: number;
  train_loss: number | null;
  val_loss: number | null;
  tokens_per_s: number | null;
}

/** The run's points once the API has them up to `step` (the page sends them every ~2 s). */
async function metricsUpTo(runId: string, step: number): Promise<{ total: number; points: ApiPoint[] }> {
  let body: { total: number; points: ApiPoint[] } = { total: 0, points: [] };
  await expect
    .poll(
      async () => {
        body = await (await fetch(`${server.url}/api/runs/${runId}/metrics`)).json();
        return Math.max(0, ...body.points.map((p) => p.step));
      },
      { timeout: 20_000, interval: 250 },
    )
    .toBe(step);
  return body;
}

const chartCount = async (page: Page, name: string) =>
  Number(await page.locator('#train-loss-chart').getAttribute(`data-${name}-points`));

async function waitForState(page: Page, state: string, timeout = 120_000): Promise<void> {
  const status = page.locator('#run-status');
  await status.and(page.locator(`[data-state="${state}"], [data-state="failed"]`)).waitFor({ timeout });
  expect(await status.getAttribute('data-state'), await status.innerText()).toBe(state);
}

describe('Train text page in Chromium with WebGPU (SwiftShader)', () => {
  it('trains tiny on names, shows losses and a sample, and resumes the autosave after a reload', async () => {
    const { page, errors } = await openTrainPage();
    expect(await page.locator('#saved-run').isHidden()).toBe(true);
    expect(await page.locator('#send-metrics').isChecked()).toBe(true);
    expect(await page.locator('#share').isDisabled()).toBe(true);
    expect(await page.locator('input[name="data"][value="names"]').isChecked()).toBe(true);
    expect(await page.locator('#preset').inputValue()).toBe('tiny');
    await page.fill('#steps', '40');
    await page.fill('#eval-every', '20');
    await page.fill('#autosave-every', '20');
    await page.click('#start');

    await page.waitForFunction(() => Number(document.getElementById('stat-step')?.dataset.value) >= 10);
    expect(await page.locator('#run-status').getAttribute('data-state')).toBe('training');
    await page.screenshot({ path: outputPath('train-training.png'), fullPage: true });
    await waitForState(page, 'done');

    expect(await page.locator('#stat-step').innerText()).toBe('40 / 40');
    const loss = page.locator('#stat-loss');
    expect(Number(await loss.getAttribute('data-value'))).toBeLessThan(Number(await loss.getAttribute('data-first')));
    expect(await statValue(page, '#stat-val')).toBeGreaterThan(0);
    expect(await page.locator('#stat-val').innerText()).toMatch(/\(step 40\)/);
    expect(await page.locator('#stat-saved').innerText()).toMatch(/^step 40 at \d\d:\d\d$/);
    expect(await page.locator('#sample').getAttribute('data-step')).toBe('40');
    expect((await page.locator('#sample').textContent())?.trim().length).toBeGreaterThan(10);

    // The chart holds every step and both evaluations, and draws them all.
    expect(await chartCount(page, 'train')).toBe(40);
    expect(await chartCount(page, 'val')).toBe(2);
    expect(await chartCount(page, 'drawn')).toBe(40);
    expect(await page.locator('#train-loss-chart canvas').count()).toBe(1);

    // The metrics reached the API: every step, the val losses of steps 20 and 40.
    const runId = (await page.locator('#metrics-status').getAttribute('data-run-id')) as string;
    expect(runId).toMatch(/^[\w-]+$/);
    const metrics = await metricsUpTo(runId, 40);
    expect(metrics.total).toBe(40);
    expect(metrics.points.filter((p) => p.val_loss !== null).map((p) => p.step)).toEqual([20, 40]);
    expect(metrics.points.every((p) => p.train_loss !== null && (p.tokens_per_s ?? 0) > 0)).toBe(true);
    // (a val loss sent apart from its step's train loss counts as a point of its own)
    await page.locator('#metrics-status', { hasText: /^metrics: 4[0-2] points sent$/ }).waitFor();

    // Share: the link is the model page of a checkpoint at step 40, linked to the run.
    expect(await page.locator('#share').isEnabled()).toBe(true);
    await page.click('#share');
    const link = page.locator('#share-link');
    await link.waitFor();
    const href = (await link.getAttribute('href')) as string;
    const id = new URL(href).pathname.match(/^\/m\/([\w-]+)$/)?.[1] as string;
    expect(new URL(href).origin).toBe(server.url);
    expect(id).toBeTruthy();
    const shared = await (await fetch(`${server.url}/api/checkpoints/${id}`)).json();
    expect(shared).toMatchObject({ id, step: 40, runId, dataset: 'names' });
    expect((await page.locator('#share-delete-token').innerText()).length).toBeGreaterThan(10);
    expect(await page.locator('#share-result').innerText()).toMatch(/shown only this once/);
    expect(await page.locator('#share-error').innerText()).toBe('');
    await page.screenshot({ path: outputPath('train-done.png'), fullPage: true });

    // The link works for someone else: a fresh browser context opens it and generates (greedy)
    // the text /complete gives at the edge for the same checkpoint.
    const visitor = await browser.newContext({ viewport: { width: 1100, height: 900 } });
    const visit = await visitor.newPage();
    const visitErrors = collectErrors(visit);
    await visit.goto(href);
    await visit.locator('#model-name', { hasText: 'step 40' }).waitFor();
    await visit.fill('#prompt', '\nMa');
    await visit.fill('#max-tokens', '16');
    await visit.fill('#temperature', '0');
    await visit.click('#generate');
    await visit.locator('#generated[data-run="done"], #generated[data-run="error"]').waitFor({ timeout: 120_000 });
    expect(await visit.locator('#generate-error').textContent()).toBe('');
    const edge = (await (
      await fetch(`${server.url}/complete`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ checkpoint: id, prompt: '\nMa', max_tokens: 16, temperature: 0 }),
      })
    ).json()) as { text: string };
    expect(await visit.locator('#generated-text').textContent()).toBe(edge.text);
    await visit.screenshot({ path: outputPath('train-shared-model.png'), fullPage: true });
    expect(visitErrors).toEqual([]);
    await visitor.close();
    await page.locator('#train-loss-chart').screenshot({ path: outputPath('train-loss-chart.png') });

    // At phone width the chart follows its container.
    await page.setViewportSize({ width: 390, height: 844 });
    await expect
      .poll(() => page.locator('#train-loss-chart canvas').evaluate((c) => c.getBoundingClientRect().width))
      .toBeLessThanOrEqual(390);
    const overflowing = await page.evaluate(() =>
      [...document.querySelectorAll('body *')]
        .filter((e) => e.getBoundingClientRect().right > 391 && e.getClientRects().length > 0)
        .map((e) => `${e.tagName.toLowerCase()}#${e.id}.${e.className}`),
    );
    expect(overflowing).toEqual([]);
    await page.screenshot({ path: outputPath('train-done-phone.png'), fullPage: true });
    await page
      .locator('section[aria-labelledby="run-heading"]')
      .screenshot({ path: outputPath('train-run-phone.png') });
    await page.setViewportSize({ width: 1100, height: 900 });

    // The download is the run's checkpoint, on the very bytes the headless trainer reads.
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download')]);
    expect(download.suggestedFilename()).toBe('tiny-GPT-on-names-step40.safetensors');
    const ckpt = readGptCheckpoint(new Uint8Array(await readFile(await download.path())));
    expect(ckpt.step).toBe(40);
    expect(ckpt.optimizer).not.toBeNull();
    expect(ckpt.data.description).toBe('names');
    expect(ckpt.data.hash).toBe(await sha256Hex(await loadBundledCorpus('names')));

    await page.reload();
    const offer = page.locator('#saved-run-resume');
    await offer.waitFor();
    expect(await offer.innerText()).toMatch(/^Resume run from step 40 \(saved \d\d:\d\d\)$/);
    expect(await page.locator('#saved-run-summary').innerText()).toMatch(/tiny GPT on names: step 40 of 40/);
    await page.locator('#gpu-status[data-state="ready"]').waitFor();
    await recordSteps(page);
    await page.fill('#saved-run-steps', '60');
    await offer.click();
    await waitForState(page, 'done');
    expect(await page.locator('#stat-step').innerText()).toBe('60 / 60');
    const steps = await shownSteps(page);
    expect(steps[0]).toBe(40);
    expect(steps.every((s, i) => i === 0 || s >= (steps[i - 1] as number))).toBe(true);
    expect(await page.locator('#steps').inputValue()).toBe('60');
    expect(await page.locator('#stat-val').innerText()).toMatch(/\(step 60\)/);
    expect(await page.locator('#sample').getAttribute('data-step')).toBe('60');
    expect(await page.locator('#saved-run').isHidden()).toBe(true);
    // The chart came back from the autosave and went on; the metrics went on into the same run.
    expect(await chartCount(page, 'train')).toBe(60);
    expect(await chartCount(page, 'val')).toBe(3);
    expect(await page.locator('#metrics-status').getAttribute('data-run-id')).toBe(runId);
    const resumed = await metricsUpTo(runId, 60);
    expect(resumed.total).toBe(60);
    expect(resumed.points.filter((p) => p.val_loss !== null).map((p) => p.step)).toEqual([20, 40, 60]);
    await page.screenshot({ path: outputPath('train-resumed.png'), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('refuses a file that is not UTF-8, or over 50 MB, before anything starts', async () => {
    const { page, errors } = await openTrainPage();
    await page.setInputFiles('#data-file', {
      name: 'latin1.txt',
      mimeType: 'text/plain',
      buffer: Buffer.from([0x63, 0x61, 0x66, 0xe9]), // "café" in Latin-1
    });
    const error = page.locator('#data-error');
    await error.filter({ hasText: 'not UTF-8' }).waitFor();
    expect(await error.getAttribute('role')).toBe('alert');
    expect(await error.innerText()).toBe(
      'latin1.txt: this file is not UTF-8 text: invalid bytes at byte offset 3. Save it as UTF-8 and try again.',
    );
    expect(await page.locator('input[name="data"][value="file"]').isChecked()).toBe(true);
    await page.click('#start');
    expect(await error.innerText()).toMatch(/Choose a UTF-8 text file/);
    expect(await page.locator('#run-status').getAttribute('data-state')).toBe('idle');

    // Dropped, 60 MB: refused by its size, unread.
    await page.evaluate(() => {
      const file = new File([new Uint8Array(60_000_000)], 'big.txt', { type: 'text/plain' });
      const dataTransfer = new DataTransfer();
      dataTransfer.items.add(file);
      document.getElementById('drop-zone')?.dispatchEvent(new DragEvent('drop', { dataTransfer, cancelable: true }));
    });
    await error.filter({ hasText: 'big.txt is 60.0 MB, over the 50 MB limit.' }).waitFor();

    await page.setInputFiles('#checkpoint-file', {
      name: 'x.safetensors',
      mimeType: 'application/octet-stream',
      buffer: Buffer.from('not a checkpoint'),
    });
    await page.locator('#checkpoint-error').filter({ hasText: 'x.safetensors: checkpoint:' }).waitFor();
    await page.screenshot({ path: outputPath('train-refused.png'), fullPage: true });
    expect(await page.locator('#run-status').getAttribute('data-state')).toBe('idle');
    expect(errors).toEqual([]);
    await page.close();
  });

  // Last: it crashes the browser's GPU process (Chromium starts a new one).
  it('resumes from the last autosave on a new device after the GPU process crashes', async () => {
    const { page, errors } = await openTrainPage();
    await page.fill('#steps', '30');
    await page.fill('#eval-every', '30');
    await page.fill('#autosave-every', '10');
    await page.click('#start');
    await page
      .locator('#stat-saved')
      .filter({ hasText: /^step 10 / })
      .waitFor({ timeout: 60_000 });

    const cdp = await browser.newBrowserCDPSession();
    await cdp.send('Browser.crashGpuProcess');
    await waitForState(page, 'failed');
    const alert = await page.locator('#run-error').innerText();
    expect(alert).toMatch(/^The GPU stopped working: GPU device lost: .* The last autosave is step 10\.$/);
    const offer = page.locator('#saved-run-resume');
    expect(await offer.innerText()).toMatch(/^Resume run from step 10 /);
    expect(await page.locator('#saved-run-summary').innerText()).toMatch(/^Resume on a new GPU device/);
    await page.screenshot({ path: outputPath('train-device-lost.png'), fullPage: true });

    await recordSteps(page);
    await offer.click();
    await page.locator('#run-status:not([data-state="failed"])').waitFor();
    await waitForState(page, 'done');
    expect((await shownSteps(page))[0]).toBe(10);
    expect(await page.locator('#stat-step').innerText()).toBe('30 / 30');
    expect(await page.locator('#run-error').innerText()).toBe('');
    expect(errors).toEqual([]);
    await page.close();
  });
});
