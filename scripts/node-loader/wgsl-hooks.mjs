// Node module hooks that make `import source from './x.wgsl?raw'` work in
// plain Node exactly as it does in Vite: the default export is the file's text.
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

const RAW_WGSL = /\.wgsl\?raw$/;

export async function resolve(specifier, context, nextResolve) {
  if (RAW_WGSL.test(specifier) && context.parentURL) {
    return { url: new URL(specifier, context.parentURL).href, shortCircuit: true };
  }
  return nextResolve(specifier, context);
}

export async function load(url, context, nextLoad) {
  if (RAW_WGSL.test(url)) {
    const file = new URL(url);
    file.search = '';
    const source = await readFile(fileURLToPath(file), 'utf8');
    return { format: 'module', source: `export default ${JSON.stringify(source)};`, shortCircuit: true };
  }
  return nextLoad(url, context);
}
