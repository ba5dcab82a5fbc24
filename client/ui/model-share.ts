/**
 * How to use a shared model outside this page: ready curl commands for the
 * edge's two completion routes, the files, and how to fine-tune it: the
 * fork link opens the Train page with this checkpoint picked (/train?from=<id>).
 */
import type { CheckpointInfo } from '../api';
import { el } from './dom';
import { formatBytes } from './format';

/** A shell-safe single-quoted string. */
function shellQuote(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}

export function curlSnippets(origin: string, id: string): { complete: string; openai: string } {
  const complete = JSON.stringify({
    checkpoint: id,
    prompt: 'Ma',
    max_tokens: 64,
    temperature: 0.8,
    top_k: 40,
    seed: 1,
  });
  const openai = JSON.stringify({ model: id, prompt: 'Ma', max_tokens: 64, temperature: 0.8 });
  const curl = (path: string, body: string) =>
    `curl -s ${origin}${path} -H 'content-type: application/json' \\\n  -d ${shellQuote(body)}`;
  return { complete: curl('/complete', complete), openai: curl('/v1/completions', openai) };
}

function fileName(info: CheckpointInfo, ext: string): string {
  const base = (info.name || info.id).replace(/[^\w.-]+/g, '-');
  return `${base}.${ext}`;
}

export function showShare(node: HTMLElement, info: CheckpointInfo, origin: string): void {
  const id = encodeURIComponent(info.id);
  const snippets = curlSnippets(origin, info.id);
  const file = `/api/checkpoints/${id}/file`;
  node.replaceChildren(
    el('h3', {}, 'From the edge'),
    el('p', {}, 'Kindling’s completion route (add "stream": true for Server-Sent Events):'),
    el('pre', { class: 'snippet' }, el('code', { id: 'curl-complete' }, snippets.complete)),
    el('p', {}, 'The same model through OpenAI’s completions shape (model = this id):'),
    el('pre', { class: 'snippet' }, el('code', { id: 'curl-openai' }, snippets.openai)),
    el('h3', {}, 'Files'),
    el(
      'ul',
      {},
      el(
        'li',
        {},
        el('a', { id: 'download-safetensors', href: file, download: fileName(info, 'safetensors') }, 'Safetensors'),
        ` (${formatBytes(info.size)}): weights, config and tokenizer; any safetensors reader opens it.`,
      ),
      el(
        'li',
        {},
        el(
          'a',
          { id: 'download-onnx', href: `/api/checkpoints/${id}/model.onnx`, download: fileName(info, 'onnx') },
          'ONNX',
        ),
        ': the same model for onnxruntime or any ONNX runtime (built on first request).',
      ),
    ),
    el('h3', {}, 'Fork it'),
    el(
      'p',
      {},
      el(
        'a',
        { id: 'fork-link', class: 'button', href: `/train?from=${encodeURIComponent(id)}` },
        'Fork and fine-tune',
      ),
    ),
    el(
      'p',
      { class: 'hint' },
      'Opens the Train page with this model picked: train it further on any text; its size and tokenizer are kept, and a shared fork links back here.',
    ),
  );
}
