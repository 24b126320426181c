import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { TimeoutError } from '../../src/errors.js'
import { createWorkers } from '../../src/runtime/workers.js'
import { tempDir } from '../helpers/tmp.js'
import { runtimeContext } from './_ctx.js'
import { runWorkersScript } from './_workers-child.js'

const fixture = new URL('./fixtures/cpu.mjs', import.meta.url).href

describe('workers', () => {
  it('runs an exported function in worker threads', async () => {
    const w = createWorkers(runtimeContext())
    try {
      const results = await Promise.all([1, 2, 3, 4].map(n => w.run<string>(fixture, 'hashRounds', ['x', n * 100])))
      expect(results).toHaveLength(4)
      expect(new Set(results).size).toBe(4)
      // an absolute path works as well as a file URL
      expect(await w.run(fileURLToPath(fixture), 'hashRounds', ['x', 100])).toBe(results[0])
    } finally {
      await w.close()
    }
  })

  it('propagates errors and names a missing export', async () => {
    const w = createWorkers(runtimeContext())
    try {
      await expect(w.run(fixture, 'fail')).rejects.toThrow('worker failure')
      await expect(w.run(fixture, 'nope')).rejects.toThrow(/no exported function 'nope'/)
    } finally {
      await w.close()
    }
  })

  it("an export's error keeps its class, name, code and other own properties across the thread", async () => {
    const w = createWorkers(runtimeContext())
    try {
      const error = await w.run(fixture, 'failWithCode').catch((e: unknown) => e) as NodeJS.ErrnoException
      expect(error).toBeInstanceOf(Error)
      expect(error).toMatchObject({ message: 'no such file', code: 'ENOENT', errno: -2, path: '/nope', syscall: 'open' })
      expect(error.cause).toBeInstanceOf(RangeError)
      expect(error.stack).toContain('failWithCode')
      await expect(w.run(fixture, 'failTyped')).rejects.toThrow(new TypeError('bad type'))
      await expect(w.run(fixture, 'failCustom')).rejects.toMatchObject({ name: 'QuotaError', message: 'over quota', limit: 5 })
    } finally {
      await w.close()
    }
  })

  it('a relative path is a clear TypeError, not a module unperf looks for in its own dist', async () => {
    const w = createWorkers(runtimeContext())
    try {
      await expect(w.run('./fixtures/cpu.mjs', 'hashRounds', ['x', 1])).rejects.toThrow(TypeError)
      await expect(w.run('fixtures/cpu.mjs', 'hashRounds', ['x', 1])).rejects.toThrow(/file: URL or an absolute path, got 'fixtures\/cpu.mjs'/)
    } finally {
      await w.close()
    }
  })

  it("args that are not an array (a single argument given bare) are a TypeError saying so, not the worker's 'Spread syntax requires ...iterable'", async () => {
    const w = createWorkers(runtimeContext())
    try {
      for (const args of [5, 'x', { n: 1 }, null]) {
        await expect(w.run(fixture, 'hashRounds', args as unknown as unknown[])).rejects.toThrow(/perf\.workers\.run\(\): args must be an array of the export's arguments, got .*\(wrap a single argument: \[value\]\)/)
      }
      expect(await w.run(fixture, 'spin', [1])).toBe(1)
    } finally {
      await w.close()
    }
  })

  it('options that are not an object (a fourth argument given bare) are a TypeError saying so; they were read as no options', async () => {
    const w = createWorkers(runtimeContext())
    try {
      for (const [options, got] of [['fast', 'string'], [5, 'number'], [null, 'null'], [[], 'an array']] as const) {
        await expect(w.run(fixture, 'spin', [1], options as never)).rejects.toThrow(new TypeError(`[unperf] perf.workers.run(): options must be an object ({ signal, timeout, retries, transferList, transferResult }), got ${got}`))
      }
      expect(await w.run(fixture, 'spin', [1], {})).toBe(1)
    } finally {
      await w.close()
    }
  })

  it('process.exit() in the export is an error of that call; the thread keeps serving (it hung every call)', async () => {
    const w = createWorkers(runtimeContext({}, { max: 1 }))
    try {
      const err = await Promise.race([w.run(fixture, 'exit', [3]).catch(e => e), new Promise(r => setTimeout(r, 5000, 'hung'))])
      expect(err).toMatchObject({ code: 'E_WORKER_EXIT', exitCode: 3, message: expect.stringMatching(/process\.exit\(3\) was called in a worker thread/) })
      expect(await w.run(fixture, 'spin', [1])).toBe(1)
    } finally {
      await w.close()
    }
  })

  it('a result that cannot be cloned is a DataCloneError saying so, not an empty object', async () => {
    const w = createWorkers(runtimeContext({}, { max: 1 }))
    try {
      const err = await w.run(fixture, 'returnsFunction').catch(e => e)
      expect(err).toBeInstanceOf(Error)
      expect(err).toMatchObject({ name: 'DataCloneError', code: 'E_WORKER_RESULT', message: expect.stringMatching(/result cannot be sent back.*could not be cloned/) })
      expect(await w.run(fixture, 'spin', [1])).toBe(1)
    } finally {
      await w.close()
    }
  })

  it('times out with TimeoutError (the thread is terminated)', async () => {
    const w = createWorkers(runtimeContext({}, { timeout: 1500 }))
    try {
      await expect(w.run(fixture, 'spin', [60_000])).rejects.toBeInstanceOf(TimeoutError)
    } finally {
      await w.close()
    }
  })

  it('retries a failed task', async () => {
    const marker = join(tempDir(), 'attempted')
    const w = createWorkers(runtimeContext({}, { retries: 1 }))
    try {
      expect(await w.run(fixture, 'failOnce', [marker])).toBe('second attempt')
    } finally {
      await w.close()
    }
    const once = createWorkers(runtimeContext())
    try {
      await expect(once.run(fixture, 'failOnce', [join(tempDir(), 'attempted')])).rejects.toThrow('first attempt fails')
    } finally {
      await once.close()
    }
  })

  it('idle workers do not keep the process alive (no close(), idleTimeout 60 s)', async () => {
    const { stdout } = await runWorkersScript([
      `const w = createWorkers({ config: { concurrency: { workers: { max: 2, idleTimeout: 60000, timeout: false, retries: 0 } } }, hooks: undefined, warn() {} })`,
      `const started = Date.now()`,
      `console.log(await w.run(${JSON.stringify(fixture)}, 'hashRounds', ['x', 10]))`,
      `process.on('exit', () => console.log('exited after', Date.now() - started, 'ms'))`,
    ])
    expect(stdout).toMatch(/^[0-9a-f]{64}\n/)
    expect(stdout).toContain('exited after')
  }, 40_000)
})
