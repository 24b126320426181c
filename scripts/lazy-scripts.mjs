// Build post-pass: the entry's lazy chunks as scripts of factories (see scripts/start-script.mjs's header).
import { transformSync } from 'esbuild'
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { contentHash, LINE_LIMIT, rewriteImports } from './script-text.mjs'

/**
 * V8 puts a string above 128 KiB in its large-object space: reading a 140 kB script as a string
 * took ~0.6 ms there, ~0.02 ms below the limit. Each lazy script stays under this size.
 */
const MAX_SCRIPT = 127 * 1024

/** The chunks of the modules a start with plugins runs (src/hooks/plugins.ts, plugin-hooks.ts, async-owner.ts, src/config/plugin-entries.ts; plugin-paths.ts: a preset listing plugins). */
const PLUGIN_CHUNK = /^(plugins|plugin-hooks|plugin-entries|plugin-paths|async-owner)-[A-Z0-9]{8}\.mjs$/

/**
 * The chunks of the cache's remote tiers, each a dynamic import of the cache's (by the module's name):
 * src/drivers/redis.ts and unstorage.ts (tiers.ts), remote-tier-guard.ts (tier-guard.ts), wrap()'s
 * Redis lock (cache/wrap-lock.ts) and the namespaces' remote listing (cache/stored-namespaces.ts).
 */
const REMOTE_CHUNKS = ['redis', 'unstorage', 'remote-tier-guard', 'wrap-lock', 'stored-namespaces']

/** A lazy chunk's lookup of the start chunks' registry (scripts/inline-start-chunks.mjs), after rewriteImports: a lazy chunk is in _chunks/, its entry is ../index.mjs. */
const START_CHUNKS_IN_CHUNK = 'globalThis[Symbol.for("unperf:start-chunks:" + new URL("../index.mjs", __unperf_meta.url).href)]'

/** A deferred module's stub (scripts/build.mjs) in a lazy chunk: its import of the module's chunk. */
const DEFERRED_IN_CHUNK = /__unperf_deferred\(\s*\(\)\s*=>\s*import\(\s*"\.\/([^"/]+\.mjs)"\s*\)\s*\)/g

/**
 * The entry's lazy chunks as scripts of factories, in seven groups (a group over MAX_SCRIPT split in two or more scripts): the cache (its chunk and the
 * chunks it imports statically: the memory and fs tiers, file hashing), its remote tiers (Redis, unstorage: REMOTE_CHUNKS), what else the cache imports when used (fetch), the plugins' modules, the exit path's history fallbacks, the deferred modules (pools, the metrics registry,
 * workers: scripts/build.mjs) and the rest (config validation, c12, snapshots, monitors, ...), so a
 * warm run that uses the cache never reads or deserializes the config code.
 * The chunk files are removed. A factory may require one of another group: that group loads then.
 */
export function buildLazyScripts(dist, entryName, deferred = []) {
  const dir = join(dist, '_chunks')
  const names = readdirSync(dir).filter(n => n.startsWith(`${entryName}.`) && n.endsWith('.mjs')).sort()
  if (names.length === 0) return undefined
  // a deferred module (scripts/build.mjs) whose stub only lazy chunks import (plugin-position, under
  // plugins.ts): its import becomes a sync require of its chunk, as the start script's do. Not a
  // dynamic import for the grouping below either: an error path's module, it stays out of the
  // deferred group every start with plugins reads, in the rest's (read when it is first called)
  const sources = new Map(names.map(n => [n, readFileSync(join(dir, n), 'utf8').replace(DEFERRED_IN_CHUNK, (_, name) => `require(${JSON.stringify('./' + name)})`)]))
  const chunksIn = (name, pattern) => [...sources.get(name).matchAll(pattern)].map(m => m[1]).filter(n => sources.has(n))
  const staticReach = name => chunksIn(name, /from\s*"\.\/([^"]+\.mjs)"/g)
  const dynamicReach = name => chunksIn(name, /import\(\s*"\.\/([^"]+\.mjs)"/g)
  const reach = name => [...staticReach(name), ...dynamicReach(name)]
  // each chunk goes to the first group that claims it, in the order the groups are made
  const groups = []
  const claimed = n => groups.some(g => g.has(n))
  const newGroup = () => { const g = new Set(); groups.push(g); return g }
  /** A visit that puts a chunk and what it imports statically in `group`: none another group holds, none `skip` leaves out. */
  const gatherInto = (group, skip = () => false) => {
    const visit = n => { if (!claimed(n) && !skip(n)) { group.add(n); staticReach(n).forEach(visit) } }
    return visit
  }
  // the cache's chunk and what it imports statically: what a first cache call runs
  const cacheGroup = newGroup()
  names.filter(n => n.startsWith(`${entryName}.cache-`)).forEach(gatherInto(cacheGroup))
  // a chunk that only re-exports cache-group code (no module of its own: esbuild heads each module
  // with its path, `// src/...`; e.g. import('./file-hash.js') of a module the cache holds) loads with
  // it. Not a chunk with code of its own that reaches only the cache's small shared chunks (node:module,
  // _builtins.ts): the rule took the system sampler, the plugin bundle's stack mapper, js-tokens and
  // source maps (~25 kB) into the script every first cache call reads, and the Redis lock's code.
  // (Not a deferred module: an error path whose helper the cache shares, input-errors.ts, stays deferred.)
  const deferredNames = new Set(deferred)
  const reExportOnly = n => !/^\/\/ \S/m.test(sources.get(n))
  for (const n of names) if (!cacheGroup.has(n) && !deferredNames.has(n) && reExportOnly(n) && reach(n).length > 0 && reach(n).every(r => cacheGroup.has(r))) cacheGroup.add(n)
  // the remote tiers (src/drivers/tiers.ts imports them for a namespace configured with one), a remote
  // tier's guard, wrap()'s Redis lock, the namespaces' remote listing, and the chunks they import that
  // the cache does not: a script of their own, read by a cache with a Redis or unstorage tier. (Another
  // group's chunk that imports one of them reads this script then: the history driver's Redis health.
  // timerDelay(), which pools, workers, plugins and monitors share with the Redis tier, is in the start
  // script's clock.ts for that reason: test/package/startup-imports.test.ts.)
  const visitRemote = gatherInto(newGroup(), n => deferredNames.has(n))
  for (const prefix of REMOTE_CHUNKS) {
    const found = names.filter(n => n.startsWith(`${entryName}.${prefix}-`) && /^-[A-Z0-9]{8}\.mjs$/.test(n.slice(entryName.length + prefix.length + 1)))
    if (found.length !== 1) throw new Error(`REMOTE_CHUNKS: ${found.length} chunks of ${prefix} (a dynamic import of the cache's, one chunk): renamed or no longer imported dynamically? (scripts/lazy-scripts.mjs)`)
    visitRemote(found[0])
  }
  // what else the cache imports only when it is used (perf.cache.fetch, ...): a script of its own, so
  // the script every cache user reads and deserializes stays small (and under MAX_SCRIPT)
  const visitExtra = gatherInto(newGroup(), n => deferredNames.has(n))
  for (const n of cacheGroup) dynamicReach(n).forEach(visitExtra)
  // the plugins' chunks (loading and setting them up, their hooks, whose code an async listener's
  // continuation is) and what they import statically: a script of their own. Among the deferred
  // modules they were spread over both of that group's scripts: a CLI with plugins read and kept
  // ~225 kB of source (pools, workers, the metrics registry, every error path's messages) for ~30 kB
  const pluginGroup = newGroup()
  names.filter(n => PLUGIN_CHUNK.test(n.slice(entryName.length + 1))).forEach(gatherInto(pluginGroup))
  // the exit path's deferred history modules (src/runtime/report/history-*.ts: the history's tail read
  // and the summary made anew when history-summary.bin cannot stand for it, the rewrite to the cap) and
  // what only they reach: a script of their own, read by one exit in ~50. In the deferred modules'
  // group that exit read ≈ 86 kB of source for ≈ 10 kB (≈ +250 kB of young generation: a scavenge)
  // (and the exit's other rare deferred modules: the trace's nesting of a main thread with two events or
  // more, trace-tracks.ts, an exit of a run with spans; a regression's result, regression-result.ts: in
  // the deferred modules' group, a run that regressed read ≈ 80 kB of source for ≈ 1 kB)
  const EXIT_RARE = ['history-', 'trace-tracks-', 'regression-result-']
  const visitHistory = gatherInto(newGroup())
  deferred.filter(n => EXIT_RARE.some(prefix => n.startsWith(`${entryName}.${prefix}`))).forEach(visitHistory)
  // deferred modules (a pool, the metrics registry, workers) and what only they reach: their own group
  // (what the plugins' chunks import dynamically, error paths and the plugin bundle's writer, stays in it)
  // (the plugins' chunks are passed through, not claimed again; dynamic imports followed too)
  const deferredGroup = newGroup()
  const passed = new Set()
  const visitDeferred = n => {
    if (passed.has(n) || (claimed(n) && !pluginGroup.has(n))) return
    if (pluginGroup.has(n)) passed.add(n)
    else deferredGroup.add(n)
    reach(n).forEach(visitDeferred)
  }
  deferred.forEach(visitDeferred)
  // and the rest
  const byGroup = [...groups.map(g => names.filter(n => g.has(n))), names.filter(n => !claimed(n))].filter(g => g.length > 0)
  const part = (name) => {
    // the start chunks' registry (scripts/inline-start-chunks.mjs) as the factory's argument: the
    // shim looks it up once, where each import of a start chunk parsed its entry's URL again (a cache's
    // first call: 28 `new URL()`s, ~7 µs each)
    const code = rewriteImports(sources.get(name), name).replaceAll(START_CHUNKS_IN_CHUNK, '__unperf_start')
    if (code.includes('unperf:start-chunks:')) throw new Error(`${name}: a lookup of the start chunks' registry was not rewritten (scripts/inline-start-chunks.mjs changed its form?)`)
    if (code.includes('__unperf_deferred')) throw new Error(`${name}: a deferred module's import was not rewritten`)
    if (/^\s*import\s[^(]/m.test(code.replace(/import\s*(?:\{[^}]*\}\s*from\s*)?"\.\/[^"]+";/g, ''))) throw new Error(`${name}: a static import of a package: a lazy chunk must import packages with import()`)
    // static imports of sibling chunks become require() of their factories (esbuild's CommonJS form)
    const cjs = transformSync(code, { format: 'cjs', loader: 'js', target: 'node20', minifySyntax: true, minifyWhitespace: true, lineLimit: LINE_LIMIT, logLevel: 'warning' }).code
    return { name, text: `${JSON.stringify(name)}: function (module, exports, require, __unperf_import, __unperf_meta, __unperf_start) {"use strict";\n${cjs}\n}` }
  }
  const scriptOf = parts => `({\n${parts.map(p => p.text).join(',\n')}\n})\n`
  // a group over MAX_SCRIPT is split (largest chunks first, each into the first script it fits):
  // two scripts read on a first cache call cost less than one in the large-object space
  const bins = []
  for (const group of byGroup) {
    const parts = group.map(part)
    if (Buffer.byteLength(scriptOf(parts)) <= MAX_SCRIPT) { bins.push(parts); continue }
    const mine = []
    for (const p of [...parts].sort((a, b) => b.text.length - a.text.length)) {
      const bin = mine.find(b => Buffer.byteLength(scriptOf([...b, p])) <= MAX_SCRIPT)
      if (bin) bin.push(p)
      else if (Buffer.byteLength(scriptOf([p])) <= MAX_SCRIPT) mine.push([p])
      else throw new Error(`lazy chunk ${p.name} alone is ${Buffer.byteLength(scriptOf([p]))} bytes: keep each script under ${MAX_SCRIPT} (V8's large-object space makes reading it ~30× slower); split it in src (a dynamic import)`)
    }
    bins.push(...mine)
  }
  const scripts = bins.map((parts) => {
    const script = scriptOf(parts)
    const hash = contentHash(script)
    const file = `_chunks/${entryName}.lazy-${hash}.js`
    writeFileSync(join(dist, file), script)
    return { file, hash, names: parts.map(p => p.name) }
  })
  for (const name of names) rmSync(join(dir, name))
  return scripts
}
