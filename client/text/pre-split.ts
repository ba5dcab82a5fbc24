/**
 * Pre-splitting text into chunks before BPE (as GPT-2 does): merges never
 * cross a chunk boundary, so "dog." and "dog!" share the token for " dog",
 * and training only needs each distinct chunk once, with its count.
 */

/**
 * GPT-2's split pattern, Unicode-aware: contractions, letters (`\p{L}`) with an
 * optional leading space, numbers (`\p{N}`), runs of other symbols, and
 * whitespace (a run of spaces leaves its last space to the next word).
 * GPT-4's pattern needs the `(?i:...)` group modifier, which JS lacks.
 */
export const GPT2_SPLIT_PATTERN = "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+";

/** Split patterns are always compiled with these flags (global, Unicode); only the source is stored. */
export const SPLIT_PATTERN_FLAGS = 'gu';

/** Compiles a split pattern; throws SyntaxError when the pattern is not a valid JS regex. */
export function compileSplitPattern(pattern: string): RegExp {
  return new RegExp(pattern, SPLIT_PATTERN_FLAGS);
}

/**
 * The chunks of `text`, in order, covering it exactly: text that the pattern
 * does not match (possible with a custom pattern) becomes a chunk of its own,
 * so no character is ever dropped. Empty matches are skipped.
 */
export function splitText(text: string, regex: RegExp): string[] {
  const chunks: string[] = [];
  let covered = 0; // text[0, covered) is already in `chunks`
  regex.lastIndex = 0;
  for (let match = regex.exec(text); match !== null; match = regex.exec(text)) {
    const start = match.index;
    const end = start + match[0].length;
    if (end === start) {
      // An empty match would loop forever: step over one code point.
      regex.lastIndex = start + ((text.codePointAt(start) ?? 0) > 0xffff ? 2 : 1);
      continue;
    }
    if (start > covered) chunks.push(text.slice(covered, start));
    chunks.push(match[0]);
    covered = end;
  }
  if (covered < text.length) chunks.push(text.slice(covered));
  return chunks;
}
