// `node --import tsx --import ./scripts/node-loader/register.mjs script.ts`:
// TypeScript through tsx, WGSL `?raw` imports through wgsl-hooks.mjs.
import { register } from 'node:module';

register('./wgsl-hooks.mjs', import.meta.url);
