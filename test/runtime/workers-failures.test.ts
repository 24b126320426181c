import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it, onTestFinished } from 'vitest'
import { createWorkers } from '../../src/runtime/workers.js'
import { runtimeContext } from './_ctx.js'
import { runWorkersScript } from './_workers-child.js'

const fixture = new URL('./fixtures/cpu.mjs', import.meta.url).href

describe('workers: how a task fails reaches the caller', () => {
  it('an export that throws null or undefined rejects (it resolved with null, a failure read as a result)', async () => {
    const w = createWorkers(runtimeContext({}, { max: 1 }))
    try {
      for (const value of [null, undefined]) {
        const outcome = await w.run(fixture, 'throwValue', [value]).then(v => ({ resolved: v }), (e: unknown) => ({ rejected: e }))
        expect(outcome).toEqual({ rejected: value })
      }
      // other thrown values arrive as they were thrown, as before
      await expect(w.run(fixture, 'throwValue', ['a string'])).rejects.toBe('a string')
      await expect(w.run(fixture, 'throwValue', [{ code: 'E_OBJ' }])).rejects.toEqual({ code: 'E_OBJ' })
      // a thrown value that cannot be cloned back: an error saying so, and the thread lives on
      await expect(w.run(fixture, 'throwUncloneable')).rejects.toMatchObject({ code: 'E_WORKER_THROWN', message: expect.stringMatching(/threw a value that cannot be sent back.*could not be cloned/) })
      expect(await w.run(fixture, 'spin', [1])).toBe(1)
    } finally {
      await w.close()
    }
  })

  it("a module that cannot be imported keeps node's code (ERR_MODULE_NOT_FOUND, a SyntaxError's class)", async () => {
    const w = createWorkers(runtimeContext({}, { max: 1 }))
    try {
      const missing = new URL('./fixtures/not-there.mjs', import.meta.url)
      const error = await w.run(missing, 'f').catch((e: unknown) => e)
      expect(error).toBeInstanceOf(Error)
      expect(error).toMatchObject({ code: 'ERR_MODULE_NOT_FOUND', message: expect.stringContaining('not-there.mjs') })
      const dir = mkdtempSync(join(fileURLToPath(new URL('.', import.meta.url)), 'fixtures/tmp-'))
      onTestFinished(() => rmSync(dir, { recursive: true, force: true }))
      writeFileSync(join(dir, 'broken.mjs'), 'export const f = (\n')
      await expect(w.run(join(dir, 'broken.mjs'), 'f')).rejects.toBeInstanceOf(SyntaxError)
    } finally {
      await w.close()
    }
  })

  it("args that cannot be cloned are a TypeError saying so (E_WORKER_ARGS), not node's bare DataCloneError, and are not retried", async () => {
    const w = createWorkers(runtimeContext({}, { max: 1, retries: 3 }))
    try {
      const started = performance.now()
      const error = await w.run(fixture, 'spin', [() => 1]).catch((e: unknown) => e)
      expect(error).toBeInstanceOf(TypeError)
      expect(error).toMatchObject({ code: 'E_WORKER_ARGS', message: expect.stringMatching(/perf\.workers\.run\(\): the args of spin cannot be sent to a worker thread: \(\) => 1 could not be cloned/) })
      expect((error as Error).cause).toMatchObject({ name: 'DataCloneError' })
      expect(performance.now() - started).toBeLessThan(3000) // no backoff: 3 retries wait 100 ms × 2ⁿ at random
      expect(await w.run(fixture, 'spin', [1])).toBe(1)
    } finally {
      await w.close()
    }
  })

  it('an export name that is not a non-empty string is a TypeError at the call', async () => {
    const w = createWorkers(runtimeContext({}, { max: 1 }))
    try {
      for (const name of [undefined, 5, '']) {
        await expect(w.run(fixture, name as never)).rejects.toThrow(/perf\.workers\.run\(\): exportName must be a non-empty string \(the name of the module's export to call\), got/)
      }
    } finally {
      await w.close()
    }
  })

  it('close() while tasks run or wait rejects them with E_WORKER_CLOSED naming the task, not tinypool\'s bare "Terminating worker thread"', async () => {
    const w = createWorkers(runtimeContext({}, { max: 1 }))
    const running = w.run(fixture, 'sleep', [5000]).catch((e: unknown) => e)
    const waiting = w.run(fixture, 'sleep', [5000]).catch((e: unknown) => e)
    await new Promise(r => setTimeout(r, 300))
    const started = performance.now()
    await w.close()
    for (const error of await Promise.all([running, waiting])) {
      expect(error).toBeInstanceOf(Error)
      expect(error).toMatchObject({ name: 'PerfError', code: 'E_WORKER_CLOSED', message: expect.stringMatching(/worker task sleep of file:.*cpu\.mjs was ended by perf\.workers\.close\(\)/) })
    }
    expect(performance.now() - started).toBeLessThan(4000) // terminated, not waited for
    // a later run() starts a new pool
    const again = createWorkers(runtimeContext({}, { max: 1 }))
    try {
      expect(await again.run(fixture, 'spin', [1])).toBe(1)
    } finally {
      await again.close()
    }
  })

  it('an uncaught exception in the thread rejects the task and prints no false "process.exit() was called" error', async () => {
    const { stdout, stderr } = await runWorkersScript([
      `const w = createWorkers({ config: { concurrency: { workers: { max: 1, idleTimeout: 1000, timeout: false, retries: 0 } } }, hooks: undefined, warn() {} })`,
      `const error = await w.run(${JSON.stringify(fixture)}, 'uncaughtLater').catch(e => e)`,
      `console.log('rejected:', error.message)`,
      `console.log('next:', await w.run(${JSON.stringify(fixture)}, 'spin', [1]))`,
      `await w.close()`,
    ])
    expect(stdout).toContain('rejected: uncaught in the thread')
    expect(stdout).toContain('next: 1')
    expect(stderr).not.toContain('process.exit')
    expect(stderr).not.toContain('E_WORKER_EXIT')
  }, 40_000)
})
