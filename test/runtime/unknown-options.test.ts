/**
 * An option a call does not read was ignored without a word: `pool.run(fn, { priority: 1 })` (p-queue's
 * priority) ran in call order, `pool.map(items, fn, { concurrency: 4 })` (p-map's) at the
 * pool's size, `perf.graph(tasks, { concurrency: 1 })` in parallel, `perf.workers.run(..., { timeout })`
 * untimed, `createPerf({ rootdir })` looked for the config in the wrong dir and `createPerf({ env: 123 })`
 * picked the `$123` block. Each is now an error at the call naming the option, what the call takes and,
 * for a pool's or the threads' setting, where it is configured; nothing runs.
 */
import { describe, expect, it } from 'vitest'
import { createPerf } from '../../src/runtime/perf.js'
import type { Perf } from '../../src/runtime/types.js'
import { tempDir } from '../helpers/tmp.js'

const quiet = { cache: { enabled: false }, report: { console: false as const, dir: './.perf' } }
const perfFor = (): Promise<Perf> => createPerf({ cwd: tempDir(), noExitHandlers: true, overrides: { ...quiet, concurrency: { pools: { 'my pool': { concurrency: 2 } } } } })

describe('an option the call does not read', () => {
  it("pool.run(fn, { concurrency }), { priority }, a misspelt signal or timeout: a TypeError naming the option and where a pool's size is configured; fn not run", async () => {
    const perf = await perfFor()
    let ran = 0
    const fn = async () => { ran++; return 'ran' }
    const takes = '{ signal, timeout, retries, backoff, maxBackoff }'
    await expect(perf.pool('net').run(fn, { concurrency: 4 } as never)).rejects.toThrow(new TypeError(
      `[unperf] pool 'net': run(fn, options): unknown option 'concurrency' (it takes ${takes}); concurrency is a setting of the pool, not of one call: set it in the config (concurrency.pools.net.concurrency), or give this work a pool of its own`))
    await expect(perf.pool().run(fn, { concurrency: 4 } as never)).rejects.toThrow(`unknown option 'concurrency' (it takes ${takes}); concurrency is a setting of the pool, not of one call: set it in the config (concurrency.default)`)
    await expect(perf.pool('my pool').run(fn, { concurrency: 3 } as never)).rejects.toThrow("set it in the config (concurrency.pools['my pool'].concurrency)")
    await expect(perf.pool('net').run(fn, { priority: 1 } as never)).rejects.toThrow(new TypeError(`[unperf] pool 'net': run(fn, options): unknown option 'priority' (it takes ${takes})`))
    await expect(perf.pool('net').run(fn, { sigal: new AbortController().signal } as never)).rejects.toThrow(new TypeError(
      `[unperf] pool 'net': run(fn, options): unknown option 'sigal' (it takes ${takes}); did you mean 'signal'?`))
    await expect(perf.pool('net').run(fn, { timeOut: 50 } as never)).rejects.toThrow("unknown option 'timeOut'")
    expect(ran).toBe(0)
    expect(perf.pool('net').stats()).toMatchObject({ completed: 0, failed: 0 })
    // what is read still runs: no options, {}, { signal }
    expect([await perf.pool('net').run(fn), await perf.pool('net').run(fn, {}), await perf.pool('net').run(fn, { signal: new AbortController().signal })]).toEqual(['ran', 'ran', 'ran'])
    await perf.close()
  })

  it('pool.map(items, fn, { concurrency }) and a misspelt stopOnError: a TypeError, no item run', async () => {
    const perf = await perfFor()
    let ran = 0
    const fn = async (x: number) => { ran++; return x }
    await expect(perf.pool('my pool').map([1, 2], fn, { concurrency: 1 } as never)).rejects.toThrow(new TypeError(
      "[unperf] pool 'my pool': map(items, fn, options): unknown option 'concurrency' (it takes { stopOnError, signal, timeout, retries, backoff, maxBackoff }); concurrency is a setting of the pool, not of one call: set it in the config (concurrency.pools['my pool'].concurrency), or give this work a pool of its own"))
    await expect(perf.pool('files').map([1, 2], fn, { stopOnErorr: true } as never)).rejects.toThrow("unknown option 'stopOnErorr' (it takes { stopOnError, signal, timeout, retries, backoff, maxBackoff }); did you mean 'stopOnError'?")
    expect(ran).toBe(0)
    expect(await perf.pool('files').map([1, 2], fn, { stopOnError: true, signal: undefined })).toEqual([1, 2])
    await perf.close()
  })

  it("perf.graph(tasks, { concurrency }): a TypeError naming the pool the tasks run in; no task run", async () => {
    const perf = await perfFor()
    let ran = 0
    const tasks = { a: { run: async () => { ran++ } } }
    await expect(perf.graph(tasks, { concurrency: 1 } as never)).rejects.toThrow(new TypeError(
      "[unperf] perf.graph(tasks, options): unknown option 'concurrency' (it takes { name, pool, stopOnError, signal }); concurrency is a setting of the pool the graph's tasks run in ('default'): set it in the config (concurrency.default), or run the graph in a pool of its own ({ pool: 'graph' })"))
    await expect(perf.graph(tasks, { pool: 'net', timeout: '1s' } as never)).rejects.toThrow("('net'): set it in the config (concurrency.pools.net.timeout)")
    await expect(perf.graph(tasks, { stopOnErorr: true } as never)).rejects.toThrow("did you mean 'stopOnError'?")
    expect(ran).toBe(0)
    expect((await perf.graph(tasks, { name: 'g', pool: 'net', stopOnError: false, signal: undefined })).ran).toEqual(['a'])
    await perf.close()
  })

  it('perf.workers.run(..., { maxMemory }) and a misspelt transferList: a TypeError before any thread starts', async () => {
    const perf = await perfFor()
    const url = new URL('./fixtures/never-imported.mjs', import.meta.url)
    // (timeout and retries are the call's own now: workers-call-options.test.ts)
    await expect(perf.workers.run(url, 'f', [], { maxMemory: '64MiB' } as never)).rejects.toThrow(new TypeError(
      "[unperf] perf.workers.run(moduleUrl, exportName, args, options): unknown option 'maxMemory' (it takes { signal, timeout, retries, transferList, transferResult }); maxMemory is a setting of the worker threads, not of one call: set it in the config (concurrency.workers.maxMemory)"))
    await expect(perf.workers.run(url, 'f', [], { transferlist: [] } as never)).rejects.toThrow("unknown option 'transferlist' (it takes { signal, timeout, retries, transferList, transferResult }); did you mean 'transferList'?")
    // a pool call's backoff and maxBackoff are no options of a worker call (the threads have no such setting)
    for (const key of ['backoff', 'maxBackoff']) await expect(perf.workers.run(url, 'f', [], { [key]: 10 } as never)).rejects.toThrow(`unknown option '${key}' (it takes { signal, timeout, retries, transferList, transferResult })`)
    await perf.close()
  })
})

describe('perf.run(name, fn, options)', () => {
  it("{ args } (not argv), { argv: '--x' }, options that are not an object: a TypeError, fn not run, no hook fired, nothing recorded", async () => {
    const perf = await perfFor()
    let ran = 0
    let before = 0
    perf.hooks.hook('command:before', () => { before++ })
    const fn = async () => { ran++ }
    await expect(perf.run('build', fn, { args: ['--fast'] } as never)).rejects.toThrow(new TypeError("[unperf] perf.run('build', fn, options): unknown option 'args' (it takes { argv }); did you mean 'argv'?"))
    await expect(perf.run('build', fn, { argv: '--fast' } as never)).rejects.toThrow(new TypeError("[unperf] perf.run('build', fn, { argv }): argv must be an array of strings (the command's arguments), got '--fast' (a string: pass ['--fast'])"))
    await expect(perf.run('build', fn, { argv: ['a', 1] } as never)).rejects.toThrow("perf.run('build', fn, { argv }): argv[1] must be a string, got number")
    await expect(perf.run('build', fn, null as never)).rejects.toThrow("perf.run('build', fn, options): options must be an object ({ argv }), got null")
    expect([ran, before]).toEqual([0, 0])
    expect(await perf.run('build', async ctx => ctx.argv, { argv: ['--fast'] })).toEqual(['--fast'])
    expect(await perf.run('build', async () => 'ok', { argv: undefined })).toBe('ok')
    const report = await perf.close()
    expect(report.commands.map(c => c.name)).toEqual(['build', 'build'])
  })
})

describe('createPerf(options)', () => {
  it("a misspelt option (rootdir), a value not of its type (env: 123, name: 42) or options that are not an object: a ConfigError listing each, with a did-you-mean", async () => {
    const cwd = tempDir()
    const error = await createPerf({ cwd, rootdir: cwd, env: 123, name: 42, noExitHandlers: 'yes', overrides: quiet } as never).catch((e: unknown) => e)
    expect(error).toMatchObject({ name: 'ConfigError', code: 'E_CONFIG', path: 'rootdir', file: 'createPerf(options)' })
    expect((error as Error).message).toBe([
      '[unperf] invalid config (4 problems):',
      "  - createPerf({ rootdir }): unknown option; did you mean 'rootDir'? (it takes { rootDir, cwd, name, env, configFile, overrides, noSnapshot, noExitHandlers })",
      '  - createPerf({ env }): expected a string, got 123',
      '  - createPerf({ name }): expected a string, got 42',
      "  - createPerf({ noExitHandlers }): expected a boolean, got 'yes'",
    ].join('\n'))
    await expect(createPerf('fast' as never)).rejects.toThrow("createPerf(options): expected an object ({ rootDir, cwd, name, env, configFile, overrides, noSnapshot, noExitHandlers }), got 'fast'")
    await expect(createPerf(null as never)).rejects.toMatchObject({ code: 'E_CONFIG' })
    // every documented option, and undefined for any of them, is accepted
    const perf = await createPerf({ rootDir: cwd, cwd, name: 'tool', env: 'test', configFile: undefined, overrides: quiet, noSnapshot: true, noExitHandlers: true })
    expect(perf.config).toMatchObject({ name: 'tool', env: 'test', rootDir: cwd })
    await perf.close()
  })
})
