/**
 * Node loader for the bundled corpora: reads the data files straight out of
 * the npm packages in node_modules (the packages' own loaders add nothing but
 * a CommonJS wrapper).
 *
 * Import it as './bundled-corpora.node.js': under Node (tsx) a specifier
 * ending in '.node' names a native addon and is not mapped to the .ts file.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { findBundledCorpus, namesCorpusText } from './bundled-corpora';

const require = createRequire(import.meta.url);

/** The UTF-8 bytes of bundled corpus `id` (ready for prepareCorpus). */
export async function loadBundledCorpus(id: string): Promise<Uint8Array> {
  const corpus = findBundledCorpus(id);
  const paths = corpus.files.map((file) => require.resolve(file));
  switch (corpus.id) {
    case 'moby-dick':
      return new Uint8Array(await readFile(paths[0] as string));
    case 'names': {
      const lists = await Promise.all(paths.map(async (path) => readNameList(path)));
      return new TextEncoder().encode(namesCorpusText(lists));
    }
  }
}

async function readNameList(path: string): Promise<string[]> {
  const list: unknown = JSON.parse(await readFile(path, 'utf8'));
  if (!Array.isArray(list) || !list.every((name) => typeof name === 'string')) {
    throw new Error(`${path} is not a JSON array of names`);
  }
  return list;
}
