/** wrangler's default module rules compile an imported .wasm into a WebAssembly.Module. */
declare module '*.wasm' {
  const module: WebAssembly.Module;
  export default module;
}
