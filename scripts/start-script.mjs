// Build post-pass: the runtime's start path compiled once, not on every start.
//
// Node 20 has no compile cache for ES modules (module.enableCompileCache() is Node 22), and a CLI
// pays V8's parse and compile of unperf's start path on every run: ~100 kB up front plus every
// function compiled lazily on its first call, ~10 ms in all on the machines CI uses. A classic
// script, though, can be compiled with V8's code cache (vm.Script cachedData). So dist/index.mjs
// becomes a small ES module that runs the start path as a script, with the code cache kept in the
// platform cache dir, written at the first exit (then it holds the functions that run used too).
// The script takes import() and import.meta from the module, so lazy chunks load as before.
//
// The entry's lazy chunks (the cache, drivers, validation, monitors, ...) get the same treatment:
// each ES module chunk becomes a factory function in one of a few scripts (the cache's group, its
// remote tiers', ... the deferred modules' and the rest: scripts/lazy-scripts.mjs), `_chunks/<entry>.lazy-<hash>.js`, each compiled with its own code cache the first time a
// run needs one of its chunks; a chunk's code runs when it is first imported, as before. A CLI's first cache operation compiled ~100 kB of chunks
// as ES modules (~6 ms with their four files' resolution and linking): now they come from the cache.
import { transformSync } from 'esbuild'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { Script } from 'node:vm'
import { buildLazyScripts } from './lazy-scripts.mjs'
import { contentHash, LINE_LIMIT, rewriteImports } from './script-text.mjs'
import { CACHE_HEADER, CACHE_MAGIC, CACHE_MAGIC_FIRST, startPrologue } from './start-prologue.mjs'

export { rewriteImports } from './script-text.mjs'

/**
 * The start script's source is held for the whole run (lazy functions compile from it) and is read
 * on every start: in V8's young generation (1 MB at start) it was ~130 kB that the first scavenge
 * copied and that brought on a second one, a scavenge task (~2–3 ms) a warm start then ran while
 * closing, just before exiting. A string above 128 KiB goes to the large-object space instead, which
 * a scavenge promotes by its page, copying nothing: the start script is padded past that size with
 * a comment. Warm start −2.75 ± 0.8 ms in 150 interleaved rounds (one scavenge instead of two),
 * against the ~0.6 ms its read costs there. Object size = 16 bytes of header + the characters.
 */
const LARGE_STRING = 128 * 1024 - 16 + 64

/**
 * The start path's budget: code past it belongs in a lazy chunk or a deferred module (scripts/build.mjs).
 * 136 KiB until session 29, whose ≈ 7.7 kB of prologue (scripts/start-prologue.mjs) came from the
 * loader, now held to MAX_LOADER: 12.2 kB of it was read into the young generation on every start;
 * 146 KiB with that session's history-summary.bin reader and writer (≈ 3.8 kB, every warm close:
 * 51 kB less young generation than parsing the history's tail), the start chunks' registry built per
 * chunk (+0.4 kB, −10.7 kB a run's first lazy chunk) and one set of exit listeners kept past an
 * adapter's close (+0.4 kB, −3.3 kB every warm close).
 */
const MAX_START_SCRIPT = 146 * 1024
/** Each loader (dist/index.mjs, citty.mjs, commander.mjs): an ES module, read and compiled on every start. */
const MAX_LOADER = 5 * 1024

/**
 * `script` padded to `size` bytes (ASCII: one byte a character): comment lines of at most LINE_LIMIT
 * bytes, then blank lines for the last few bytes (a line of '/' alone would be code).
 */
function padTo(script, size) {
  let pad = size - Buffer.byteLength(script)
  if (pad <= 0) return script
  let out = ''
  let text = '// padding: this script stays in V8\'s large-object space (scripts/start-script.mjs)'
  while (pad >= 4) {
    const n = Math.min(LINE_LIMIT, pad)
    out += text.padEnd(n - 1, ' ').slice(0, n - 1) + '\n'
    text = '//'
    pad -= n
  }
  return script + out + '\n'.repeat(pad)
}



/** `__<entry>_<name>` exports of the start bundle belong to that entry (src/start-bundle.ts). */
const ENTRY_EXPORT = /^__([a-z]+)_(\w+)$/

export function buildStartScript(dist, version) {
  const entry = join(dist, 'index.mjs')
  let code = readFileSync(entry, 'utf8')
  if (/^import\s/m.test(code)) throw new Error('dist/index.mjs has static imports: it cannot run as a script')
  const exportClause = /\nexport\s*\{([^}]*)\};?\s*$/.exec(code)
  if (!exportClause) throw new Error('dist/index.mjs: no export clause at its end')
  const bindings = exportClause[1].split(',').map(s => s.trim()).filter(Boolean).map(s => s.split(/\s+as\s+/))
  const names = bindings.map(b => b.at(-1))
  // the exports as an array (they are all constants: functions, classes, frozen data), each loader
  // reading its names by index: not esbuild's CommonJS form (its getters and copies cost ~20 kB of
  // young-generation allocation per start), nor an object literal of every entry's names (≈ 30
  // properties: ≈ 4.5 kB a start, where an array of them is ≈ 0.3 kB; unperf/citty reads 4 of them)
  code = code.slice(0, exportClause.index) + `\nmodule.exports = [${bindings.map(([local]) => local).join(', ')}];\n`
  // deferred modules (scripts/build.mjs): a sync require of their chunk, from its lazy script
  const deferred = []
  code = code.replace(/__unperf_deferred\(\s*\(\)\s*=>\s*import\(\s*"\.\/_chunks\/([^"]+\.mjs)"\s*\)\s*\)/g, (_, name) => {
    deferred.push(name)
    return `__unperf_require(${JSON.stringify(name)})`
  })
  if (code.includes('__unperf_deferred')) throw new Error('dist/index.mjs: a deferred module\'s import was not rewritten')
  code = rewriteImports(code, 'dist/index.mjs')
  const lazy = buildLazyScripts(dist, 'index', deferred)
  for (const name of deferred) if (!lazy?.some(g => g.names.includes(name))) throw new Error(`deferred chunk ${name} is in no lazy script`)
  // whitespace only: names stay readable in stack traces; ~20 % less source to read and hold on every start
  const body = transformSync(code, { loader: 'js', target: 'node20', minifySyntax: true, minifyWhitespace: true, lineLimit: LINE_LIMIT, logLevel: 'warning' }).code
  // the prologue (scripts/start-prologue.mjs) defines __unperf_import and __unperf_require; __unperf_loader is the loader's compile()
  const wrapped = `(function (module, exports, __unperf_meta, __unperf_loader) {"use strict";\n${startPrologue(lazy)}\n${body}\n})\n`
  new Script(wrapped, { filename: 'start script' }) // a stray export or a top-level await fails the build, not a user's start
  if (Buffer.byteLength(wrapped) > MAX_START_SCRIPT) throw new Error(`the start script is ${Buffer.byteLength(wrapped)} bytes: keep it under ${MAX_START_SCRIPT} (the start path's budget); move code off the start path (a lazy chunk, a deferred module: scripts/build.mjs)`)
  const script = padTo(wrapped, LARGE_STRING)
  // V8 accepts a code cache for any source of the same length: the cache is keyed by a content hash
  const hash = contentHash(script)
  const file = `_chunks/index.start-${hash}.js`
  writeFileSync(join(dist, file), script)
  // each entry's exports: `__citty_withPerf` is unperf/citty's `withPerf`, the rest unperf's own
  const entries = new Map([['index', []]])
  names.forEach((name, index) => {
    const m = ENTRY_EXPORT.exec(name)
    const [target, exported] = m ? [m[1], m[2]] : ['index', name]
    if (!entries.has(target)) entries.set(target, [])
    entries.get(target).push(`${exported} = runtime[${index}]`)
  })
  for (const [target, bindings] of entries) {
    const loader = compactLoader(shim(target, bindings, version, file, hash))
    if (Buffer.byteLength(loader) > MAX_LOADER) throw new Error(`dist/${target}.mjs is ${Buffer.byteLength(loader)} bytes: keep it under ${MAX_LOADER} (read and compiled as an ES module on every start); what a warm start does not run goes in the start script's prologue (scripts/start-prologue.mjs)`)
    writeFileSync(join(dist, `${target}.mjs`), loader)
  }
  return [...entries.keys()]
}

/**
 * The loader without its comments (they stay here, in shim()'s template) and whitespace-minified, its
 * first three lines (what the file is) kept: Node reads and compiles the loader as an ES module on
 * every start (no code cache for ES modules on Node 20), and its ≈ 4 kB of comments, then ≈ 1.5 kB
 * of indentation and spaces (session 29), were read into the young generation and scanned each time.
 */
function compactLoader(text) {
  const lines = text.split('\n')
  const code = transformSync(lines.slice(3).join('\n'), { loader: 'js', target: 'node20', minifyWhitespace: true, lineLimit: LINE_LIMIT, logLevel: 'warning' }).code
  return [...lines.slice(0, 3), code].join('\n')
}

function shim(target, bindings, version, SCRIPT, hash) {
  return `// unperf's start path runs as a script compiled with V8's code cache: see ${SCRIPT} and scripts/start-script.mjs.
// unperf, unperf/citty and unperf/commander are each this loader over the same script: the first one
// imported runs it, the others take its exports (one instance per process).
const loadStart = process.uptime() * 1e3 // the report's startup phases: unperf's code starts here
// a CommonJS bundle (esbuild --format=cjs) leaves import.meta empty: unperf was bundled, see notBundled()
if (typeof import.meta.url !== 'string') throw notBundled()
const indexUrl = new URL('./index.mjs', import.meta.url).href
const RUNTIME = Symbol.for('unperf:runtime:' + indexUrl)
const runtime = (globalThis[RUNTIME] ??= start())

// Only what compiles the start script with its code cache is here: this file is read and compiled on
// every start. Writing the caches at exit and loading lazy chunks are the start script's prologue
// (scripts/start-prologue.mjs), which gets compile() and the caches to write as __unperf_loader.
function start() {
const { closeSync, constants, fstatSync, openSync, readFileSync, utimesSync } = process.getBuiltinModule('node:fs')
const { isAbsolute, join } = process.getBuiltinModule('node:path')
const { fileURLToPath } = process.getBuiltinModule('node:url')
const { Script } = process.getBuiltinModule('node:vm')

const env = process.env
const home = process.platform === 'win32' ? env.LOCALAPPDATA || env.USERPROFILE : env.HOME
// a relative XDG_CACHE_HOME is ignored, as the XDG spec says (platformCacheDir in project.ts)
const base = (env.XDG_CACHE_HOME && isAbsolute(env.XDG_CACHE_HOME) ? env.XDG_CACHE_HOME : undefined) || (home && (process.platform === 'darwin' ? join(home, 'Library', 'Caches') : process.platform === 'win32' ? home : join(home, '.cache')))
// V8 checks a cache against its own version and flags and the source's length, not its content:
// the name carries the build's content hash, so a cache is only ever used with the code it came from
const dir = env.UNPERF_CODE_CACHE === '0' || !base ? undefined : join(base, 'unperf', 'code-cache')
const flags = process.execArgv.length > 0 || env.NODE_OPTIONS ? process.execArgv.join(' ') + '\\0' + (env.NODE_OPTIONS || '') : ''
// A cache file: a 16-byte header (MAGIC, CRC-32 of V8's data, its length, the file's mtime in s as
// written) and V8's data. V8 checks its data's version, flags and source length, not its content:
// damaged data (a bad disk, a tool writing into the file) crashed the process on every start
// (SIGSEGV). Data with a bad CRC is not used, and replaced at exit; a file whose mtime is still the
// one written with it is unchanged since, so the warm path reads no module to compute a CRC.
function readCache(cacheFile) {
  let buf, mtimeMs
  try {
    // O_NONBLOCK: a FIFO under its name hung every start for good (a blocking open waits for a writer)
    const fd = openSync(cacheFile, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0))
    try {
      // V8 trusts its cached data (crafted data runs as code): a cache file someone else made, or
      // could have written (an XDG_CACHE_HOME in /tmp), is not used; the fstat this read makes anyway
      const st = fstatSync(fd)
      if (!st.isFile()) return undefined // a FIFO, a directory: replaced at exit
      // (POSIX only: Windows reports every writable file as mode 666 and has no uid)
      if (process.getuid && (st.uid !== process.getuid() || (st.mode & 0o022) !== 0)) return undefined
      mtimeMs = st.mtimeMs; buf = readFileSync(fd)
    } finally { closeSync(fd) }
  } catch { return undefined } // first run
  const magic = buf.length < ${CACHE_HEADER} ? 0 : buf.readUInt32LE(0)
  if ((magic !== ${CACHE_MAGIC} && magic !== ${CACHE_MAGIC_FIRST}) || buf.readUInt32LE(8) !== buf.length - ${CACHE_HEADER}) return undefined
  const data = buf.subarray(${CACHE_HEADER})
  // the first run's: written again at exit, with what this run compiled too (CACHE_MAGIC_FIRST)
  data.again = magic === ${CACHE_MAGIC_FIRST}
  if (mtimeMs === buf.readUInt32LE(12) * 1000) return data
  // changed since, or copied (a restored backup): checked in full, once
  try {
    if (process.getBuiltinModule('node:zlib').crc32(data) !== buf.readUInt32LE(4)) return undefined
  } catch { return undefined }
  try { utimesSync(cacheFile, buf.readUInt32LE(12), buf.readUInt32LE(12)) } catch { /* not ours: checked each time */ }
  return data
}

// [script, cache file] of each script compiled without its cache (missing or rejected): the start
// script's prologue writes them at exit (then a cache also holds every function that run compiled)
const unwritten = []
/** Compiles a script of this package with its code cache. */
function compile(rel, hash) {
  const file = fileURLToPath(new URL(rel, indexUrl))
  let source
  try {
    source = readFileSync(file, 'utf8') // ASCII: the native utf8 path is ~3× faster than latin1 here
  } catch (error) {
    throw error?.code === 'ENOENT' ? notBundled(file, error) : error
  }
  // a code cache keeps the file name it was made with (stack traces would show another install's
  // path): one cache per install, keyed by a hash of the script's path as well; and per set of node
  // flags (V8 rejects a cache made under other V8 flags: a CLI run with and without
  // NODE_OPTIONS=--max-old-space-size=… rewrote its one cache on every switch)
  const key = flags ? file + '\\0' + flags : file
  let where = 0x811c9dc5
  for (let i = 0; i < key.length; i++) where = Math.imul(where ^ key.charCodeAt(i), 0x01000193)
  const cacheFile = dir && join(dir, \`\${${JSON.stringify(version)}}-\${hash}-\${(where >>> 0).toString(16).padStart(8, '0')}-\${process.version}-\${process.arch}.v8\`)
  const cachedData = cacheFile && readCache(cacheFile)
  const script = new Script(source, { filename: file, cachedData })
  if (cacheFile && (!cachedData || script.cachedDataRejected || cachedData.again)) unwritten.push([script, cacheFile, !!cachedData?.again && !script.cachedDataRejected])
  return script.runInThisContext()
}

const mod = { exports: {} }
compile(${JSON.stringify('./' + SCRIPT)}, ${JSON.stringify(hash)})(mod, mod.exports, { url: indexUrl, unperfLoadStart: loadStart }, { compile, unwritten, dir, indexUrl, import: specifier => import(specifier) })
return mod.exports
}

// a bundler that inlines this file leaves _chunks/ behind (read, not imported): say so, with the way out
function notBundled(missing, cause) {
  const external = 'mark unperf as external and keep it a dependency of your CLI: esbuild --external:unperf (or --packages=external); ' +
    "rollup, tsup, tsdown: external: [/^unperf/] (see 'How a host CLI is built' in unperf's docs)"
  const error = new Error(missing
    ? '[unperf] cannot find ' + missing + ': unperf reads its start code and lazy parts from dist/_chunks/ beside its entry file, and it runs here from ' +
      process.getBuiltinModule('node:url').fileURLToPath(import.meta.url) + '. If unperf was bundled into that file, ' + external + '. Otherwise reinstall unperf: its files are incomplete.'
    : '[unperf] unperf was bundled into a CommonJS bundle (import.meta is empty there), and it cannot be bundled: it reads its start code and lazy parts from dist/_chunks/ beside its entry file; ' + external + '.',
  cause && { cause })
  error.code = 'E_BUNDLED'
  return error
}

export const ${bindings.join(', ')}
`
}
