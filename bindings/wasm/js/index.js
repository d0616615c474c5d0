// The browser entry (and any runtime with fetch): `await init()` once, then compute.
// No bundler needed: the .wasm is found next to this file (import.meta.url).
import load, { initSync as loadSync } from './splitter_wasm.js';
import { markReady } from './api.js';

export { compute, computeJson, SplitterError } from './api.js';

/**
 * Loads the engine. Without an argument the .wasm next to this module is fetched; or pass a URL,
 * a Response, bytes or a WebAssembly.Module. Resolves once the engine is ready; later calls
 * resolve at once.
 */
export async function init(source) {
  await load(source === undefined ? undefined : { module_or_path: source });
  markReady();
}

/** Loads the engine synchronously from the .wasm's bytes or a WebAssembly.Module. */
export function initSync(source) {
  loadSync({ module: source });
  markReady();
}

export default init;
