import { getEventListeners } from 'node:events'
import { describe, expect, it } from 'vitest'
import { createWorkers } from '../../src/runtime/workers.js'
import { runtimeContext } from './_ctx.js'

const fixture = new URL('./fixtures/cpu.mjs', import.meta.url).href

describe('workers: calls sharing one outside signal', () => {
  for (const timeout of [false, 5000] as const) {
    it(`cost it one abort listener, removed when they settle, and node warns of no leak (timeout ${timeout})`, async () => {
      const w = createWorkers(runtimeContext({}, { max: 1, timeout }))
      const warnings: string[] = []
      const onWarning = (warning: Error) => { warnings.push(warning.name) }
      process.on('warning', onWarning)
      try {
        const ac = new AbortController()
        const calls = Array.from({ length: 30 }, (_, i) => w.run(fixture, 'spin', [i < 20 ? 10 : 2000], { signal: ac.signal }).catch((e: unknown) => e))
        await new Promise(r => setTimeout(r, 100))
        expect(getEventListeners(ac.signal, 'abort').length).toBe(1)
        const reason = new Error('cancelled')
        setTimeout(() => ac.abort(reason), 300)
        const outcomes = await Promise.all(calls)
        expect(outcomes.filter(o => o === reason).length).toBeGreaterThanOrEqual(10) // the 2 s ones
        expect(outcomes.filter(o => o === reason || typeof o === 'number').length).toBe(30)
        // a signal outliving its calls keeps no listener of theirs
        const keep = new AbortController()
        await Promise.all([1, 2, 3].map(n => w.run(fixture, 'spin', [n], { signal: keep.signal })))
        expect(getEventListeners(keep.signal, 'abort').length).toBe(0)
        await new Promise(r => setImmediate(r))
        expect(warnings).not.toContain('MaxListenersExceededWarning')
      } finally {
        process.off('warning', onWarning)
        await w.close()
      }
    }, 30_000)
  }
})
