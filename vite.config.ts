import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const page = (name: string) => fileURLToPath(new URL(`./client/${name}`, import.meta.url));

// The site's source is client/; the build goes to dist/client, which
// wrangler.toml serves as Workers static assets. One HTML file per page:
// Workers assets serve /train from train.html, /runs from runs.html; the
// Worker serves /m/<id> with model.html.
export default defineConfig({
  root: 'client',
  build: {
    outDir: '../dist/client',
    emptyOutDir: true,
    target: 'es2022',
    rolldownOptions: {
      input: {
        index: page('index.html'),
        train: page('train.html'),
        model: page('model.html'),
        runs: page('runs.html'),
      },
    },
  },
});
