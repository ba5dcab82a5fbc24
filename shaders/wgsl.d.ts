// WGSL files are imported as strings with Vite's `?raw` suffix; in plain Node
// the same import works through scripts/wgsl-loader.mjs.
declare module '*.wgsl?raw' {
  const source: string;
  export default source;
}
