/**
 * Every error unperf throws at a user carries a stable `code`. The TypeErrors of a JavaScript
 * caller's slip had none (`cache.set(k, v, { ttl: 0 })`, `cache.get(42)`, `perf.run(42, fn)`,
 * `cached(fn)` without a name, ...): they are TypeErrors as before, with code E_INVALID_ARGUMENT (not
 * enumerable, as `message` is). A scan of src/ keeps new `new Error(` / `new TypeError(` throws from
 * reaching a user without one.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { describe, expect, it } from 'vitest'
import { createPerf } from '../../src/runtime/perf.js'
import { tempDir } from '../helpers/tmp.js'

const quiet = { cache: { driver: 'memory' as const }, report: { console: false as const, dir: './.perf' } }

async function codeOf(p: () => unknown): Promise<{ name: string; code: unknown; enumerable: boolean; message: string }> {
  let error: unknown
  try { await p() } catch (e) { error = e }
  if (!(error instanceof Error)) throw new Error('expected an error')
  // the docs' promise (runtime.md, Errors): a message starting '[unperf] ', as a PerfError's does;
  // half of these had none (perf.run(''), perf.memory.snapshot({}), a pool's run('x'))
  return { name: error.name, code: (error as { code?: unknown }).code, enumerable: Object.keys(error).includes('code'), message: error.message.startsWith('[unperf] ') ? '[unperf] …' : error.message }
}

describe('a caller\'s slip: a TypeError with code E_INVALID_ARGUMENT and a message starting [unperf]', () => {
  it('cache, execution API and cached(): each one', async () => {
    const perf = await createPerf({ cwd: tempDir(), noExitHandlers: true, overrides: quiet })
    const slips: Array<() => unknown> = [
      () => perf.cache.set('k', 1, { ttl: 0 }),
      () => perf.cache.set('k', 1, { ttl: 'soon' as never }),
      () => perf.cache.wrap('k', async () => 1, { ttl: -1 }),
      () => perf.cache.wrap('k', async () => 1, { swr: 'x' as never }),
      () => perf.cache.get(42 as never),
      () => perf.cache.getMany('a' as never),
      () => perf.cache.setMany([[1 as never, 2]]),
      () => perf.cache.set('k', 1, { tll: '1m' } as never),
      () => perf.cache.invalidate(42 as never),
      () => perf.cache.warm({ a: 1 as never }),
      () => perf.cache.cached(async () => 1, {} as never),
      () => perf.cache.namespace(''),
      () => perf.run(42 as never, () => 1),
      () => perf.run('x', 'fn' as never),
      () => perf.span('', async () => 1),
      () => perf.pool(42 as never),
      () => perf.pool('net').run('fn' as never),
      () => perf.pool('net').run(async () => 1, { signal: new AbortController() as never }),
      () => perf.pool('net').map([1], async x => x, { stopOnError: 'yes' as never }),
      () => perf.graph({ a: { run: async () => 1 } }, { concurrency: 1 } as never),
      () => perf.workers.run('relative.mjs', 'x', []),
      () => perf.run('x', () => 1, { args: [] } as never),
      () => perf.run('x', () => 1, { argv: '--fast' } as never),
      () => perf.memory.snapshot({} as never),
      () => perf.mark('' as never),
      () => perf.pool('net').map(42 as never, async x => x),
      () => perf.graph({ a: { run: async () => 1 } }, { name: '' }),
    ]
    for (const [i, slip] of slips.entries()) {
      expect(await codeOf(slip), `slip ${i}`).toEqual({ name: 'TypeError', code: 'E_INVALID_ARGUMENT', enumerable: false, message: '[unperf] …' })
    }
    await perf.close()
  })
})

/** `new Error(` / `new TypeError(` / `new RangeError(` in src/ that never reach a user as thrown: caught where they are made, or given a code at once. */
const INTERNAL: Record<string, string> = {
  'errors.ts': 'argumentError() itself: it sets the code',
  'runtime/bounded.ts': 'its callers catch it (history driver) or wrap it in a warning (OpenTelemetry)',
  'runtime/otel.ts': 'run-end.ts turns it into a warning',
  'runtime/monitors/prometheus.ts': 'a pushgateway failure: a warning',
  'runtime/monitors/samplers/system-reader.ts': 'a failed host reading (worker error or exit): system.ts turns it into a warning',
  'runtime/cache/stored-namespaces.ts': 'a stub never called for a non-fs tier',
  'runtime/cache/fetch-response.ts': "a cached Response's headers changed: fetch's own throw TypeError('immutable'), no code; this throws the same, so code that handles fetch's handles it",
  'runtime/cache/fetch-integrity.ts': "a revalidation's answer failing the call's integrity: fetch's own TypeError('fetch failed', cause 'integrity mismatch'), no code; thrown the same, so code that handles fetch's handles it",
  'runtime/make-missing-dirs.ts': 'an errno error: code set (EACCES, ENOTDIR, ...)',
  'runtime/not-a-file.ts': 'read-regular-file.ts\'s errno-style error: code set (EISDIR, E_NOT_A_FILE), said in words by whyUnreadable()',
  'runtime/workers.ts': 'out of memory / args not cloneable: codes set (ERR_WORKER_OUT_OF_MEMORY, E_WORKER_ARGS)',
  'hooks/plugin-module.ts': 'a plugin that cannot be loaded: wrapped in PluginError (E_PLUGIN) by plugins.ts',
  'hooks/plugins.ts': "a plugin factory's throw, said with where the options go (factoryError): wrapped in PluginError (E_PLUGIN) at load",
  'config/plugin-bundle.ts': 'a damaged plugin bundle: caught by plugin-module.ts fromBundle(), which loads the file instead',
  'config/plugin-bundle-write.ts': "esbuild unable to run: caught by the rebuild child, recorded as the bundle's failure (unperf doctor's 'bundle' row)",
  'vitest/shard.ts': "planShards' total: the CLI checks --total first (E_USAGE)",
  'cli/out-file.ts': 'an EISDIR code set',
  'drivers/fs-prune.ts': 'caught: the entry is skipped',
  'drivers/fs-write.ts': 'an ENOSPC code set, wrapped in DiskFullError',
  'drivers/redis-connection.ts': 'codes set; surfaced as cache:error',
  'drivers/envelope.ts': 'a corrupt entry: read as a miss',
  'drivers/envelope-v1.ts': 'a corrupt entry: read as a miss',
  'drivers/nested-bytes.ts': 'a corrupt entry (its table of bytes): the caller reports it, read as a miss',
  'drivers/fs-unwritable.ts': 'code set (why.code)',
  'adapters/citty.ts': "citty's own E_NO_VERSION",
}

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap(e => e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [])
}

it('no bare Error, TypeError or RangeError thrown at a user from src/ (a new one gets a code, or is listed here with why it never reaches one)', () => {
  const src = join(import.meta.dirname, '../../src')
  const bare = sources(src).flatMap(file => readFileSync(file, 'utf8').split('\n').flatMap((line, i) =>
    /new (Type|Range)?Error\(/.test(line) && !line.trimStart().startsWith('//') && !line.trimStart().startsWith('*') ? [`${relative(src, file)}:${i + 1}`] : []))
  expect(bare.filter(at => !(at.slice(0, at.lastIndexOf(':')) in INTERNAL))).toEqual([])
  // a file listed that throws none any more: its reason would excuse the next one written there unread
  const files = new Set(bare.map(at => at.slice(0, at.lastIndexOf(':'))))
  expect(Object.keys(INTERNAL).filter(file => !files.has(file))).toEqual([])
})
