// Build post-pass: the start script's prologue, the part of the start path's machinery that a warm
// start never runs: writing the code caches at exit (a first run, a new unperf) and loading lazy
// chunks (a command that uses the cache, plugins, ...). It was in the loader (dist/index.mjs,
// citty.mjs, commander.mjs), an ES module Node reads into the young generation and compiles on every
// start (no code cache for ES modules on Node 20): ≈ 8 kB of its 12 kB. In the start script it is
// read into the large-object space and compiled from the code cache. The loader keeps what compiles
// the start script with its cache (readCache, compile) and hands it over as `__unperf_loader`.

/** A code cache file: MAGIC, CRC-32 of V8's data, its length, the file's mtime in s as written (the loader's readCache checks them). */
export const CACHE_MAGIC = 0x63637075
/**
 * MAGIC of a cache the first run that compiled its script wrote: the next run that uses it writes it
 * again at exit (then CACHE_MAGIC, for good), with what that run compiled too. The first run is most
 * often a cold one (no config snapshot, cache misses), whose code paths a warm run does not take:
 * from its cache alone each warm start compiled the rest (an entry's decode, a hit's promotion, ...)
 * again, ≈ 5.5 M instructions of scenario 1's warm start (bench/results/scenario-cli-sdk-plugins.md).
 */
export const CACHE_MAGIC_FIRST = 0x31637075
export const CACHE_HEADER = 16
/** cache files kept: the start script and lazy scripts (four to six) of the newest builds */
const KEEP = 64

/**
 * The prologue's source: declarations only (functions, and one statement that registers the exit
 * write when the loader compiled the start script without its cache), so a warm start makes a few
 * closures and nothing else. `lazy`: the lazy scripts (scripts/lazy-scripts.mjs), if any.
 * `__unperf_import` and `__unperf_require` are the start script's import() and deferred modules'
 * require (scripts/script-text.mjs rewriteImports, scripts/build.mjs DEFERRED).
 */
export function startPrologue(lazy) {
  const text = `
// the caches to write at exit, one 'exit' listener for all of them: one per script compiled without
// its cache (a first run, a new unperf: the start script and each lazy script) put a host with a
// few exit listeners of its own, or two perf instances, over node's 10 (MaxListenersExceededWarning)
let __unperf_writing = false
function __unperf_writeAtExit() {
  if (__unperf_loader.unwritten.length > 0 && !__unperf_writing) {
    __unperf_writing = true
    process.once('exit', __unperf_writeCaches)
  }
}
__unperf_writeAtExit()
// at exit, a cache also holds every function this run compiled (createPerf, run, close, ...)
function __unperf_writeCaches() {
  const { closeSync, futimesSync, lstatSync, mkdirSync, openSync, readdirSync, renameSync, statSync, unlinkSync, writeFileSync } = process.getBuiltinModule('node:fs')
  const { dirname, join } = process.getBuiltinModule('node:path')
  const dir = __unperf_loader.dir
  // unperf/ and unperf/code-cache/ are unperf's own: written into only when each is a real dir (not a
  // symlink) of this user's that group and others cannot write to. Under a cache home others can write
  // to (XDG_CACHE_HOME in /tmp), one who made them first could lead the writes, and the removal of
  // old .v8 and .tmp files, into any dir of ours. (POSIX only, as readCache's check.)
  const privateDir = path => {
    const st = lstatSync(path)
    return st.isDirectory() && (!process.getuid || (st.uid === process.getuid() && (st.mode & 0o022) === 0))
  }
  // the code cache's dir and its missing parents, each made once, top down: Node 20's recursive mkdir
  // never returns where a file system answers a new dir with ENOENT (XDG_CACHE_HOME=/proc/x hung every
  // exit; src/runtime/make-dir.ts)
  const makeDir = path => {
    const missing = []
    for (let at = path; !statSync(at, { throwIfNoEntry: false }); at = dirname(at)) {
      missing.unshift(at)
      if (dirname(at) === at) break
    }
    for (const d of missing) {
      try { mkdirSync(d, { mode: 0o700 }) } catch (error) { if (error?.code !== 'EEXIST') throw error }
    }
  }
  for (const [script, cacheFile, again] of __unperf_loader.unwritten) {
    let tmp
    try {
      makeDir(dirname(dir))
      if (!privateDir(dirname(dir))) return
      makeDir(dir)
      if (!privateDir(dir)) return
      tmp = \`\${cacheFile}.\${process.pid}.\${Math.random().toString(36).slice(2, 8)}.tmp\`
      // a new file of ours, never through a planted link; opened first: where it cannot be written (a
      // read-only mount under a cache the first run wrote, kept to be written again) V8's data is not made
      const fd = openSync(tmp, 'wx', 0o600)
      try {
        const data = script.createCachedData()
        const stamp = Math.floor(Date.now() / 2000) * 2 // even seconds: FAT keeps mtimes to 2 s
        const head = Buffer.alloc(${CACHE_HEADER})
        head.writeUInt32LE(again ? ${CACHE_MAGIC} : ${CACHE_MAGIC_FIRST}, 0)
        head.writeUInt32LE(process.getBuiltinModule('node:zlib').crc32(data), 4)
        head.writeUInt32LE(data.length, 8)
        head.writeUInt32LE(stamp, 12)
        writeFileSync(fd, Buffer.concat([head, data]))
        futimesSync(fd, stamp, stamp)
      } finally { closeSync(fd) }
      renameSync(tmp, cacheFile)
      tmp = undefined
      // caches of other builds: the newest stay (several CLIs may use different unperf versions);
      // temp files a killed process left (a live writer renames its own within milliseconds) go
      const now = Date.now()
      const others = []
      for (const n of readdirSync(dir)) {
        if (join(dir, n) === cacheFile) continue
        const t = statSync(join(dir, n), { throwIfNoEntry: false })?.mtimeMs ?? 0
        if (n.endsWith('.v8')) others.push({ n, t })
        else if (n.endsWith('.tmp') && now - t > 60_000) unlinkSync(join(dir, n))
      }
      others.sort((a, b) => b.t - a.t)
      for (const { n } of others.slice(${KEEP - 1})) unlinkSync(join(dir, n))
    } catch {
      // read-only home, a full disk: compile each time, and leave no partial file behind
      if (tmp) try { unlinkSync(tmp) } catch { /* not made */ }
    }
  }
}
${lazy ? `
// lazy chunks: factories in scripts, a script compiled (with its code cache) on the first import of one of its chunks
let __unperf_lazy
function __unperf_lazyChunks() {
  if (__unperf_lazy) return __unperf_lazy
  const chunksUrl = new URL('./_chunks/', __unperf_loader.indexUrl).href
  const LAZY = new Map(${JSON.stringify(lazy.flatMap((g, i) => g.names.map(n => [n, i])))})
  const SCRIPTS = ${JSON.stringify(lazy.map(g => ['./' + g.file, g.hash]))}
  return __unperf_lazy = { chunksUrl, LAZY, SCRIPTS, factories: [] }
}
// which lazy chunks ran, for tests and tools (their import() no longer shows in module loader hooks)
const __unperf_chunks = globalThis[Symbol.for('unperf:lazy-chunks:' + __unperf_loader.indexUrl)] = new Map()
let __unperf_starts // the start script's chunks that lazy chunks import (scripts/inline-start-chunks.mjs)
function __unperf_require(name) {
  let m = __unperf_chunks.get(name)
  if (m) return m.exports
  const { chunksUrl, LAZY, SCRIPTS, factories } = __unperf_lazyChunks()
  const group = LAZY.get(name)
  let script = factories[group]
  if (script === undefined) {
    try {
      script = factories[group] = __unperf_loader.compile(...SCRIPTS[group])
    } finally { __unperf_writeAtExit() }
  }
  m = { exports: {} }
  __unperf_chunks.set(name, m)
  const url = chunksUrl + name
  try {
    script[name](m, m.exports, spec => __unperf_require(spec.slice(2)), spec => __unperf_load(spec, url), { url }, (__unperf_starts ??= globalThis[Symbol.for('unperf:start-chunks:' + __unperf_loader.indexUrl)]))
  } catch (error) {
    __unperf_chunks.delete(name)
    throw error
  }
  return m.exports
}
function __unperf_load(specifier, from) {
  // bare specifiers resolve from this dir (every entry's loader lives in it), like the chunks' own imports did
  if (specifier[0] !== '.') return __unperf_loader.import(specifier)
  const url = new URL(specifier, from).href
  const { chunksUrl, LAZY } = __unperf_lazyChunks()
  const name = url.startsWith(chunksUrl) ? url.slice(chunksUrl.length) : ''
  return name !== '' && LAZY.has(name) ? Promise.resolve(name).then(__unperf_require) : __unperf_loader.import(url)
}
function __unperf_import(specifier) { return __unperf_load(specifier, __unperf_loader.indexUrl) }` : `
function __unperf_import(specifier) { return __unperf_loader.import(specifier) }`}
`
  // comments and indentation out: the prologue is read with the start script on every start
  return text.split('\n').map(line => line.trim()).filter(line => line !== '' && !line.startsWith('//')).join('\n')
}
