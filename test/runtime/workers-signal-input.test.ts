/**
 * perf.workers.run(..., { signal: controller }): the AbortController passed instead of its signal
 * (a common slip) failed with tinypool's 'abortSignal.once is not a function'. Real worker threads.
 */
import { describe, expect, it } from 'vitest'
import { createWorkers } from '../../src/runtime/workers.js'
import { runtimeContext } from './_ctx.js'

const fixture = new URL('./fixtures/cpu.mjs', import.meta.url).href

describe('workers: a signal that is not an AbortSignal', () => {
  it('rejects with a TypeError saying an AbortSignal is expected; a real signal then works', async () => {
    const w = createWorkers(runtimeContext())
    try {
      const controller = new AbortController()
      await expect(w.run(fixture, 'spin', [1], { signal: controller as never })).rejects.toThrow('[unperf] perf.workers.run(): signal must be an AbortSignal, got an AbortController (pass controller.signal)')
      await expect(w.run(fixture, 'spin', [1], { signal: 'stop' as never })).rejects.toThrow('signal must be an AbortSignal, got string')
      await expect(w.run(fixture, 'spin', [1], { signal: controller.signal })).resolves.toBeDefined()
    } finally {
      await w.close()
    }
  }, 20_000)
})
