/**
 * The built start script (dist/_chunks/index.start-*.js) is read as a string on every start and
 * held for the whole run. It is ASCII (a one-byte string, one byte a character) and longer than
 * V8's largest regular heap object (128 KiB, with a 16-byte string header), so V8 allocates it in
 * its large-object space, out of the young generation a short CLI fills: the warm start then pays
 * one scavenge instead of two (scripts/start-script.mjs, LARGE_STRING). A rebuild that drops the
 * padding, or a non-ASCII character that makes it a two-byte string, fails here.
 */
import { execFileSync } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { describe, expect, it } from 'vitest'

const chunks = join(import.meta.dirname, '../../dist/_chunks')
const V8_MAX_REGULAR_OBJECT = 128 * 1024
const STRING_HEADER = 16

describe('the start script', () => {
  it('is an ASCII string above V8\'s large-object threshold, and within the start path\'s budget', () => {
    const names = readdirSync(chunks).filter(n => /^index\.start-[0-9a-f]+\.js$/.test(n))
    expect(names).toHaveLength(1)
    const bytes = readFileSync(join(chunks, names[0]!))
    expect(bytes.every(b => b < 0x80)).toBe(true)
    expect(bytes.length + STRING_HEADER).toBeGreaterThan(V8_MAX_REGULAR_OBJECT)
    // the padding is comment lines at the end, never code: the code itself stays within 144 KiB
    // (136 KiB until its prologue came from the loaders, below, and 146 with history-summary.bin, the registry per chunk and the exit listeners kept: session 29)
    const text = bytes.toString('latin1')
    const padding = text.indexOf('\n// padding:') + 1 // none when the code alone is past the threshold
    const code = padding > 0 ? text.slice(0, padding) : text.replace(/\n+$/, '\n')
    expect(code.endsWith('})\n')).toBe(true)
    expect(code.length).toBeLessThanOrEqual(146 * 1024)
    expect(text.slice(code.length).split('\n').every(line => line === '' || line.startsWith('//'))).toBe(true)
  })

  it('holds none of what a warm start does not run: error messages, validation, warnings, file budgets, rendering (sessions 20, 27)', () => {
    // each a piece of code moved into a lazy chunk or a deferred module (scripts/build.mjs DEFERRED):
    // a warm start of a host CLI never runs it (V8 coverage of the common runs), and the start
    // script is read and its code cache deserialized on every start
    const names = readdirSync(chunks).filter(n => /^index\.start-[0-9a-f]+\.js$/.test(n))
    const text = readFileSync(join(chunks, names[0]!), 'latin1')
    const moved = {
      'config validation (validate-layers.ts)': 'function resolverIssuesBeside',
      'validated markers written (validate-layers.ts)': 'function markValidated',
      'config file candidates (config-candidates.ts)': 'function configCandidates',
      'key paths read back (path-keys.ts)': 'function pathKeys',
      'the layer of a key path (layer-of-path.ts)': 'function hasPath',
      'Prometheus rendering (exposition.ts)': 'function renderFamilies',
      'the history driver\'s merge (history-driver.ts)': 'function mergeHistories',
      'a namespace\'s key segment (storage-segment.ts)': 'function storageSegment',
      'a warning said (say-warning.ts)': 'function redactedSource',
      'missing dirs made (make-missing-dirs.ts)': 'function fsError',
      'file budgets (file-budgets.ts)': 'tinyglobby',
      'what was thrown, as text (thrown-message.ts)': 'thrown (not an Error)',
      'a config issue\'s value (config-issue.ts)': 'value instanceof NotShown',
      'cached()\'s messages (cache/options-error.ts)': 'the work to memoize',
      'getPerf()\'s message (input-errors.ts)': 'no perf instance yet',
      'CycleError\'s message (error-messages.ts)': 'dependency cycle in graph',
      'the cache tiers\' dir checks (cache-dir-safety.ts)': 'function refuseSymlinkedDir',
      'reading a small file of unperf\'s (read-file-no-follow.ts)': 'function readFileNoFollowSync',
      // session 27
      'a preset\'s plugin paths (plugin-paths.ts)': 'function localFile(',
      'a package resolved by its exports (hooks/_resolve-package.ts)': 'function resolvePackageImport',
      'a plugin module without a default export, said (plugin-module-default.ts)': 'exports it by name',
      'a program instrumented twice, said (second-call-warning.ts)': 'called again on a program it had instrumented',
      // session 29
      'the errors of a command cut short by the process\'s end (command-exit-errors.ts)': 'a promise that never settles',
      // session 30
      'a regression\'s result and message (regression-result.ts)': 'slower than its median of',
      // session 31 (bench/start-coverage.mjs)
      'the trace\'s nested tracks (trace-tracks.ts)': 'function parentKeyOf',
      'monitors.prometheus resolved (resolve-prometheus.ts)': 'a Prometheus label name',
      'a cache tier\'s option issues (driver-option-issues.ts)': 'function whiteSpaceAround',
      'an unsafe report dir\'s message (unwritable-warning.ts)': 'not reading the report dir',
      'a long-running process\'s command stats (command-stats.ts)': 'function statsOf',
      'judging from the history\'s runs (history-durations.ts)': 'function runsBefore',
      'a report file that is no regular file (not-a-file.ts)': 'E_NOT_A_FILE',
    }
    expect(Object.entries(moved).filter(([, marker]) => text.includes(marker)).map(([what]) => what)).toEqual([])
  })
})

describe('the start script\'s top level', () => {
  it('makes no Set or table of constants that a lookup in the list itself, or a switch, does as well (session 29: ≈ 4.5 kB a start)', () => {
    // the hook names (registry.ts, a hook() call or two a run) and commander's and citty's usage errors
    // (commander.ts, citty.ts: an error path; commander's made at every start of every host, citty's too)
    const names = readdirSync(chunks).filter(n => /^index\.start-[0-9a-f]+\.js$/.test(n))
    const text = readFileSync(join(chunks, names[0]!), 'latin1').replace(/\\?\n/g, '') // lines joined (broken at 120 characters)
    expect(text).not.toContain('new Set(PERF_HOOK_NAMES)')
    expect(text).not.toMatch(/new Set\(\["commander\./)
    expect(text).not.toMatch(/new Set\(\["E_UNKNOWN_COMMAND"/)
    // nor a table of the size or duration units (units.ts: switches; ≈ 2 kB with the boxed numbers)
    expect(text).not.toMatch(/SIZE_UNITS\s*=/)
    expect(text).not.toMatch(/DURATION_UNITS\s*=\s*\{/)
    // nor of createPerf()'s option types (input-checks.ts: a switch, the names a constant array; ≈ 1 kB)
    expect(text).not.toMatch(/CREATE_OPTIONS\s*=\s*\{/)
  })
})

describe('the start script\'s exports', () => {
  it('are an array each loader reads its own names from by index, not an object literal of every entry\'s names', () => {
    // an object literal of ≈ 30 properties made at every start cost ≈ 4.5 kB of young generation
    // (unperf/citty reads 4 of them); an array of the same values ≈ 0.3 kB (session 29)
    const names = readdirSync(chunks).filter(n => /^index\.start-[0-9a-f]+\.js$/.test(n))
    const text = readFileSync(join(chunks, names[0]!), 'latin1')
    // (lines joined: the build breaks lines at 120 characters, in strings too, with a backslash)
    const flat = text.replace(/\\?\n/g, '')
    expect(flat).toMatch(/module\.exports=\[/)
    expect(flat).not.toMatch(/module\.exports=\{/)
    for (const entry of ['index', 'citty', 'commander']) {
      const loader = readFileSync(join(chunks, '..', `${entry}.mjs`), 'utf8')
      expect(loader).toMatch(/export const \w+ ?= ?runtime\[\d+\]/)
      expect(loader).not.toMatch(/export const ?\{/)
    }
  })
})

describe('the loaders', () => {
  it('hold only what compiles the start script with its code cache: writing the caches and loading lazy chunks are the start script\'s', () => {
    // each loader is an ES module, read into the young generation and compiled on every start (no
    // code cache for ES modules on Node 20): 12.2 kB each until session 29, ≈ 7.7 kB of it the exit's
    // cache writes and the lazy chunks' table, which a warm start never runs (scripts/start-prologue.mjs);
    // whitespace-minified since (4.8 → 4.1 kB)
    const names = readdirSync(chunks).filter(n => /^index\.start-[0-9a-f]+\.js$/.test(n))
    const start = readFileSync(join(chunks, names[0]!), 'latin1')
    for (const entry of ['index', 'citty', 'commander']) {
      const loader = readFileSync(join(chunks, '..', `${entry}.mjs`), 'utf8')
      expect(Buffer.byteLength(loader)).toBeLessThanOrEqual(5 * 1024)
      for (const marker of ['createCachedData', 'const LAZY', 'const SCRIPTS']) expect(loader).not.toContain(marker)
    }
    for (const marker of ['createCachedData', 'const LAZY = new Map(', 'const SCRIPTS = [']) expect(start).toContain(marker)
  })
})

describe("the build's import() rewrite", () => {
  it("takes esbuild's module path comments for what they are: a module named *-import.ts builds", async () => {
    // @ts-expect-error: a build script in plain JS, without declarations
    const { rewriteImports } = await import('../../scripts/start-script.mjs') as { rewriteImports: (code: string, what: string) => string }
    const code = '// src/hooks/plugin-import.ts\nconst load = () => import("./x.mjs"), url = import.meta.url\n'
    expect(rewriteImports(code, 'test')).toBe('// src/hooks/plugin-import.ts\nconst load = () => __unperf_import("./x.mjs"), url = __unperf_meta.url\n')
  })
})

describe('the lazy scripts', () => {
  it("take the start chunks' registry from the shim, not from a URL parsed at each import of a start chunk", () => {
    // scripts/inline-start-chunks.mjs has a lazy ES module chunk look the registry up by its entry's
    // URL (`new URL('../index.mjs', import.meta.url)`) once per import: 28 URL parses on a cache's
    // first call. In a lazy script the shim passes it (scripts/lazy-scripts.mjs START_CHUNKS_IN_CHUNK)
    const lazy = readdirSync(chunks).filter(n => /^index\.lazy-[0-9a-f]+\.js$/.test(n))
    expect(lazy.length).toBeGreaterThan(0)
    const text = lazy.map(n => readFileSync(join(chunks, n), 'latin1')).join('\n')
    // (the registry is a function that makes it on the first lazy import: s28-closegc; each start
    // chunk's object on its own, by its name: session 29)
    expect(text).toContain('__unperf_start("index.')
    expect(text).not.toContain('__unperf_start()[')
    expect(text).not.toContain('unperf:start-chunks:')
  })

  it("make only the objects of the start chunks they import: the registry's one start chunk's names, not every one's (≈ 10 kB less on a warm run's first cache call)", () => {
    const start = readdirSync(chunks).find(n => /^index\.start-[0-9a-f]+\.js$/.test(n))!
    const names = [...readFileSync(join(chunks, start), 'latin1').matchAll(/case ?"(index\.chunk-[A-Z0-9]+\.mjs)"/g)].map(m => m[1]!)
    expect(names.length).toBeGreaterThan(1)
    const index = pathToFileURL(join(chunks, '../index.mjs')).href
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', `
      await import(${JSON.stringify(index)})
      const registry = globalThis[Symbol.for('unperf:start-chunks:' + ${JSON.stringify(index)})]
      const one = registry(${JSON.stringify(names[0])})
      process.stdout.write(JSON.stringify({ keys: Object.keys(one), same: registry(${JSON.stringify(names[0])}) === one, other: registry(${JSON.stringify(names[1])}) !== one }))
    `], { encoding: 'utf8', env: { ...process.env, UNPERF_CODE_CACHE: '0' } })
    const { keys, same, other } = JSON.parse(out) as { keys: string[]; same: boolean; other: boolean }
    expect(keys.length).toBeGreaterThan(0)
    expect(keys.filter(k => k.endsWith('.mjs'))).toEqual([]) // names of that chunk's modules, not of chunks
    expect(same).toBe(true)
    expect(other).toBe(true)
  })
})
