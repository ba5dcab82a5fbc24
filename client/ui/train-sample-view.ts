/** The latest sample: what the model writes after the prompt, with the step it comes from. */
import { byId } from './dom';

/** The prompt as typed in the form: a newline as \n, so an empty-looking prompt is still seen. */
function visiblePrompt(prompt: string): string {
  return prompt.replaceAll('\n', '\\n').replaceAll('\t', '\\t');
}

export function showSample(step: number, prompt: string, text: string): void {
  byId('sample-caption').textContent =
    `After step ${step.toLocaleString('en-US')}, continuing “${visiblePrompt(prompt)}”:`;
  const node = byId('sample');
  node.dataset.step = String(step);
  node.textContent = prompt + text;
}

export function clearSample(): void {
  byId('sample').textContent = '';
  delete byId('sample').dataset.step;
}
