/**
 * JSON.parse keeps the last of two equal keys without a word; a checkpoint
 * header with two tensors of one name must be refused instead. This scans the
 * raw text (already known to be valid JSON) for a key repeated in one object.
 */

const WHITESPACE = new Set([' ', '\t', '\n', '\r']);

/** The first key that appears twice in the same object of `json`, or undefined. */
export function findDuplicateKey(json: string): string | undefined {
  // One entry per open container: the keys seen so far for an object, null for an array.
  const open: (Set<string> | null)[] = [];
  let i = 0;
  while (i < json.length) {
    const c = json[i];
    if (c === '"') {
      let end = i + 1;
      while (json[end] !== '"') end += json[end] === '\\' ? 2 : 1;
      let next = end + 1;
      while (WHITESPACE.has(json[next] as string)) next++;
      const keys = open[open.length - 1];
      if (json[next] === ':' && keys) {
        const key = JSON.parse(json.slice(i, end + 1)) as string;
        if (keys.has(key)) return key;
        keys.add(key);
      }
      i = end + 1;
      continue;
    }
    if (c === '{') open.push(new Set());
    else if (c === '[') open.push(null);
    else if (c === '}' || c === ']') open.pop();
    i++;
  }
  return undefined;
}
