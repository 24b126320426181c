/**
 * A missing export (or one that is not a function) reaches the caller as a TypeError with a stable
 * code, E_WORKER_EXPORT, as every error unperf throws at a user has one (error-codes.test.ts): thrown
 * in the thread, its code did not survive the structured clone back. Never retried (a bug, not a flake).
 * A CommonJS module's functions are found on its module.exports, where node's lexer names none.
 */
import { describe, expect, it } from 'vitest'
import { createWorkers } from '../../src/runtime/workers.js'
import { runtimeContext } from './_ctx.js'

const fixture = new URL('./fixtures/cpu.mjs', import.meta.url).href

describe('workers: a missing export', () => {
  it("is a TypeError with code E_WORKER_EXPORT naming the module's exports; not retried", async () => {
    const ctx = runtimeContext({}, { max: 1, retries: 2 })
    let retries = 0
    ctx.hooks.hook('task:retry', () => { retries++ })
    const w = createWorkers(ctx)
    try {
      const error = await w.run(fixture, 'nope').catch((e: unknown) => e)
      expect(error).toBeInstanceOf(TypeError)
      expect(error).toMatchObject({ code: 'E_WORKER_EXPORT', message: expect.stringMatching(/has no exported function 'nope' \(exports: .*hashRounds/) })
      expect(retries).toBe(0)
      // exported, but not a function: it says what it is rather than that it is missing
      const notFn = await w.run(fixture, 'ROUNDS').catch((e: unknown) => e)
      expect(notFn).toBeInstanceOf(TypeError)
      expect(notFn).toMatchObject({ code: 'E_WORKER_EXPORT', message: expect.stringContaining("export 'ROUNDS' is a number, not a function") })
    } finally {
      await w.close()
    }
  })

  it("finds a CommonJS module's functions on its module.exports (the default export), called as module.exports.fn() would be", async () => {
    const w = createWorkers(runtimeContext({}, { max: 1 }))
    const cjs = new URL('./fixtures/cjs-exports.cjs', import.meta.url).href
    try {
      expect(await w.run(cjs, 'add', [2, 3])).toBe(5)
      expect(await w.run(cjs, 'addBase', [1])).toBe(11)
      expect(await w.run(cjs, 'nope', []).catch((e: unknown) => e)).toMatchObject({ code: 'E_WORKER_EXPORT' })
      expect(await w.run(cjs, 'base', []).catch((e: unknown) => e)).toMatchObject({ code: 'E_WORKER_EXPORT' })
    } finally {
      await w.close()
    }
  })
})
