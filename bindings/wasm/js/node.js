// The Node entry: the engine is loaded synchronously when this module is imported, so
// `import { compute } from "splitter-wasm"` works with no init call.
import { readFileSync } from 'node:fs';
import { initSync as loadSync } from './splitter_wasm.js';
import { markReady } from './api.js';

loadSync({ module: readFileSync(new URL('./splitter_wasm_bg.wasm', import.meta.url)) });
markReady();

export { compute, computeJson, SplitterError } from './api.js';

/** Already loaded in Node; kept so that code written for browsers runs unchanged. */
export async function init() {}

/** Already loaded in Node; kept so that code written for browsers runs unchanged. */
export function initSync() {}

export default init;
