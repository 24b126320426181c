// Build post-pass helpers shared by the start script and the lazy scripts (scripts/start-script.mjs, scripts/lazy-scripts.mjs).
import { createHash } from 'node:crypto'

/** A script's file name part: the first 16 hex digits of its sha256. */
export const contentHash = text => createHash('sha256').update(text).digest('hex').slice(0, 16)

/**
 * `import(` → `__unperf_import(`, `import.meta` → `__unperf_meta`, checked. The check skips comment
 * lines: esbuild heads each module with its path (`// src/hooks/plugin-import.ts`), which read as an
 * `import.` left unrewritten and failed the build.
 */
export function rewriteImports(code, what) {
  const dynamic = code.match(/(?<![\w$.])import\(/g)?.length ?? 0
  code = code.replace(/(?<![\w$.])import\(/g, '__unperf_import(').replace(/(?<![\w$.])import\.meta\b/g, '__unperf_meta')
  if (/(?<![\w$.])import[(.]/.test(code.replace(/^[ \t]*\/\/.*$/gm, '')) || code.split('__unperf_import(').length - 1 !== dynamic) throw new Error(`${what}: an import() or import.meta was not rewritten`)
  // the rewrite is textual: a string that starts with `import.meta` (a replaceAll('import.meta.url', ...)
  // of source text) would now look for `__unperf_meta`; spell such a string apart in src/
  if (/["'`]__unperf_meta\b/.test(code)) throw new Error(`${what}: a string literal names import.meta, which this rewrite would change: spell it apart (['import', 'meta'].join('.'))`)
  return code
}

/**
 * Whitespace-minified code is otherwise one line per chunk: an uncaught error thrown in unperf's code
 * made node print that whole line (90 kB) above the stack trace. Lines stay short, at ~1 % more bytes.
 */
export const LINE_LIMIT = 120
