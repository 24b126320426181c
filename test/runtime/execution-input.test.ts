/**
 * Bad input to the execution API is a TypeError at the call, saying what was expected and what came,
 * as perf.span/perf.pool/perf.graph/map already did: pool.run('not a function') failed later, in a
 * slot, as 'fn is not a function' (a failed task, counted); perf.mark(42) made a startup phase named
 * 42; map(items, fn, { stopOnError: 'yes' }) (and the graph's) ran every item as if it were false.
 */
import { describe, expect, it } from 'vitest'
import { createPerf } from '../../src/runtime/perf.js'
import type { Perf } from '../../src/runtime/types.js'
import { tempDir } from '../helpers/tmp.js'

const quiet = { cache: { enabled: false }, report: { console: false as const, dir: './.perf' } }
const perfFor = (): Promise<Perf> => createPerf({ cwd: tempDir(), noExitHandlers: true, overrides: quiet })

describe("a pool's run(fn)", () => {
  it('fn that is not a function: a TypeError naming the pool, at the call, whether a slot is free or not; no task counted', async () => {
    const perf = await perfFor()
    const pool = perf.pool('x')
    for (const [fn, got] of [['not a function', 'string'], [undefined, 'undefined'], [null, 'null'], [{ run: () => 1 }, 'object']] as const) {
      await expect(pool.run(fn as never)).rejects.toThrow(new TypeError(`[unperf] pool 'x': run(fn): fn must be a function (the task, called with an AbortSignal), got ${got}`))
    }
    await expect(pool.run('nope' as never, { signal: new AbortController().signal })).rejects.toThrow("pool 'x': run(fn): fn must be a function")
    // every slot taken: the bad task is refused now, not when a slot frees
    const one = perf.pool('one')
    const releases: (() => void)[] = []
    const busy = Array.from({ length: one.concurrency }, () => one.run(() => new Promise<void>(r => { releases.push(r) })))
    await expect(one.run(42 as never)).rejects.toThrow(new TypeError("[unperf] pool 'one': run(fn): fn must be a function (the task, called with an AbortSignal), got number"))
    expect(one.queued).toBe(0)
    for (const release of releases) release()
    await Promise.all(busy)
    expect(one.stats()).toMatchObject({ completed: one.concurrency, failed: 0 })
    expect(pool.stats()).toMatchObject({ completed: 0, failed: 0 })
    expect(await pool.run(() => 'ran')).toBe('ran')
    await perf.close()
  })
  it("options that are not an object ('fast', true, null, an array): a TypeError naming the pool and run(fn, options), at the call; the task does not run", async () => {
    const perf = await perfFor()
    const pool = perf.pool('x')
    let ran = 0
    const fn = () => { ran++; return 'ran' }
    for (const [options, got] of [['fast', 'string'], [true, 'boolean'], [5, 'number'], [null, 'null'], [[], 'an array']] as const) {
      await expect(pool.run(fn, options as never)).rejects.toThrow(new TypeError(`[unperf] pool 'x': run(fn, options): options must be an object ({ signal, timeout, retries, backoff, maxBackoff }), got ${got}`))
    }
    expect(ran).toBe(0)
    expect(pool.stats()).toMatchObject({ completed: 0, failed: 0 })
    // what is accepted: an object, or nothing
    expect(await pool.run(fn, {})).toBe('ran')
    expect(await pool.run(fn, { signal: undefined })).toBe('ran')
    expect(await pool.run(fn, undefined)).toBe('ran')
    await perf.close()
  })
})

describe("a pool's map(items, fn, options)", () => {
  it("stopOnError that is not a boolean ('yes', 1), or options that are not an object: a TypeError, no item run", async () => {
    const perf = await perfFor()
    const pool = perf.pool('files')
    let ran = 0
    const fn = (i: number) => { ran++; return i }
    await expect(pool.map([1, 2], fn, { stopOnError: 'yes' as never })).rejects.toThrow(new TypeError("[unperf] pool 'files': map(items, fn, { stopOnError }): stopOnError must be true or false (true: the first failure aborts the work in flight and starts no more), got 'yes'"))
    await expect(pool.map([1, 2], fn, { stopOnError: 1 as never })).rejects.toThrow(/stopOnError must be true or false .*got number/)
    await expect(pool.map([1, 2], fn, 'yes' as never)).rejects.toThrow(new TypeError("[unperf] pool 'files': map(items, fn, options): options must be an object ({ stopOnError, signal, timeout, retries, backoff, maxBackoff }), got string"))
    await expect(pool.map([1, 2], fn, null as never)).rejects.toThrow(/options must be an object .*got null/)
    expect(ran).toBe(0)
    // what is accepted: a boolean, or nothing
    expect(await pool.map([1, 2], fn, { stopOnError: true })).toEqual([1, 2])
    expect(await pool.map([1, 2], fn, { stopOnError: false })).toEqual([1, 2])
    expect(await pool.map([1, 2], fn, { stopOnError: undefined })).toEqual([1, 2])
    expect(await pool.map([1, 2], fn)).toEqual([1, 2])
    await perf.close()
  })
})

describe('perf.graph(tasks, options)', () => {
  it('stopOnError that is not a boolean, or options that are not an object: a TypeError, no task run, no span', async () => {
    const perf = await perfFor()
    let ran = 0
    const tasks = { a: { run: () => { ran++ } } }
    await expect(perf.graph(tasks, { stopOnError: 'yes' as never })).rejects.toThrow(new TypeError("[unperf] perf.graph(tasks, { stopOnError }): stopOnError must be true or false (true: the first failure aborts the work in flight and starts no more), got 'yes'"))
    await expect(perf.graph(tasks, 'fast' as never)).rejects.toThrow(new TypeError('[unperf] perf.graph(tasks, options): options must be an object ({ name, pool, stopOnError, signal }), got string'))
    await expect(perf.graph(tasks, null as never)).rejects.toThrow(/options must be an object .*got null/)
    expect(ran).toBe(0)
    await perf.graph(tasks, { stopOnError: true, name: 'build' })
    expect(ran).toBe(1)
    const { spans } = await perf.close()
    expect(spans.filter(s => s.depth === 0).map(s => s.name)).toEqual(['build'])
  })
})

describe('perf.mark(name) and perf.run(name, fn)', () => {
  it('perf.mark(42) or (\'\'): a TypeError; no startup phase is made of it', async () => {
    const perf = await perfFor()
    for (const [name, got] of [[42, 'number'], ['', "''"], [undefined, 'undefined'], [null, 'null']] as const) {
      expect(() => perf.mark(name as never), String(name)).toThrow(new TypeError(`[unperf] perf.mark(name): name must be a non-empty string (the startup phase it starts, in the report and the trace), got ${got}`))
    }
    perf.mark('routes')
    await perf.run('build', () => {})
    const report = await perf.close()
    const phases = report.startup.phases.map(p => p.name)
    expect(phases).toContain('routes')
    expect(phases.every(name => typeof name === 'string' && name !== '')).toBe(true)
  })

  it("perf.run(name, fn) with a fn that is not a function: a TypeError at the call, no command recorded (it failed inside the command as 'fn is not a function')", async () => {
    const perf = await perfFor()
    const seen: string[] = []
    perf.hooks.hook('command:before', ctx => { seen.push(ctx.name) })
    await expect(perf.run('build', 'npm run build' as never)).rejects.toThrow(new TypeError("[unperf] perf.run('build', fn): fn must be a function (the command's work, called with its context), got string"))
    const report = await perf.close()
    expect(seen).toEqual([])
    expect(report.commands).toEqual([])
  })
})
