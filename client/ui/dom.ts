/** Builds an element with text children; never parses HTML. */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Record<string, string> = {},
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  node.append(...children);
  return node;
}

/** The element with this id; throws if the page lacks it (a bug, not a user error). */
export function byId(id: string): HTMLElement {
  const node = document.getElementById(id);
  if (!node) throw new Error(`The page has no #${id}`);
  return node;
}

/** Sets a status element's text and its data-state (which the CSS and tests read). */
export function setStatus(node: HTMLElement, state: string, ...content: (Node | string)[]): void {
  node.dataset.state = state;
  node.replaceChildren(...content);
}
