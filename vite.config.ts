import { defineConfig } from 'vite';

// The site's source is client/; the build goes to dist/client, which
// wrangler.toml serves as Workers static assets.
export default defineConfig({
  root: 'client',
  build: {
    outDir: '../dist/client',
    emptyOutDir: true,
    target: 'es2022',
  },
});
