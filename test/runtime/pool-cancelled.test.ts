import { describe, expect, it } from 'vitest'
import { Pool } from '../../src/runtime/pool.js'
import { pool } from './_ctx.js'

const never = (signal: AbortSignal) => new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason), { once: true }))

describe('pool: tasks ended by an outside signal', () => {
  it('count as cancelled, not failed, and do not shrink an adaptive limit (a cancelled build is not an overloaded pool)', async () => {
    const p = new Pool('gen', pool({ concurrency: 'adaptive' }), undefined)
    const limit = p.concurrency
    for (let round = 0; round < 4; round++) {
      const ac = new AbortController()
      const runs = Array.from({ length: limit }, () => p.run(never, { signal: ac.signal }))
      await new Promise(r => setTimeout(r, 5))
      ac.abort(new Error('cancelled by the user'))
      for (const r of await Promise.allSettled(runs)) expect(r.status).toBe('rejected')
    }
    await p.run(() => { throw new Error('a real failure') }).catch(() => {})
    expect(p.stats()).toMatchObject({ cancelled: 4 * limit, failed: 1, completed: 0 })
    expect(p.concurrency).toBe(limit)
  })
})
