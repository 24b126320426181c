import { getEventListeners } from 'node:events'
import { describe, expect, it } from 'vitest'
import { Pool } from '../../src/runtime/pool.js'
import { runGraph } from '../../src/runtime/graph.js'
import { pool } from './_ctx.js'

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms))

describe('graphs sharing one outside signal', () => {
  it('cost it one abort listener (one per graph: node warned past 10), removed when they settle; an abort still stops each', async () => {
    const p = new Pool('g', pool({ concurrency: 4 }), undefined)
    const warnings: string[] = []
    const onWarning = (warning: Error) => { warnings.push(warning.name) }
    process.on('warning', onWarning)
    try {
      const ac = new AbortController()
      const graphs = Array.from({ length: 15 }, () => runGraph({ a: { run: () => sleep(5) }, b: { deps: ['a'], run: () => sleep(5) } }, p, { signal: ac.signal }))
      expect(getEventListeners(ac.signal, 'abort')).toHaveLength(1)
      await Promise.all(graphs)
      expect(getEventListeners(ac.signal, 'abort')).toHaveLength(0)
      // aborted while they run: each rejects with the reason
      const running = Array.from({ length: 12 }, () => runGraph({ a: { run: ({ signal }) => new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason))) } }, p, { signal: ac.signal }).catch((e: unknown) => e))
      const reason = new Error('stop')
      ac.abort(reason)
      for (const outcome of await Promise.all(running)) expect(outcome).toBe(reason)
      expect(getEventListeners(ac.signal, 'abort')).toHaveLength(0)
      await new Promise(r => setImmediate(r))
      expect(warnings).not.toContain('MaxListenersExceededWarning')
    } finally {
      process.off('warning', onWarning)
    }
  })
})
