import { describe, expect, it } from 'vitest'
import { Pool } from '../../src/runtime/pool.js'
import { pool } from './_ctx.js'

/**
 * A long-lived outside signal (a Ctrl-C controller) given to every task of a pool with a timeout:
 * each attempt's signal aborts on the timeout or on it. Made with AbortSignal.any([outer, timeout]),
 * node 20 kept a WeakRef per task in the outer signal's dependants, never pruned: ≈ 55 B a task for
 * the life of the process (soak of the packed package: +16 MB after 300 000 tasks, the same as node's
 * own any() of such a signal and AbortSignal.timeout()).
 */
const dependants = (signal: AbortSignal): number => {
  const key = Object.getOwnPropertySymbols(signal).find(k => k.description === 'kDependantSignals')
  return key === undefined ? 0 : ((signal as unknown as Record<symbol, Set<unknown> | undefined>)[key]?.size ?? 0)
}

describe('an outside signal given to the tasks of a pool with a timeout', () => {
  it('keeps nothing of each task: run() and map()', async () => {
    const p = new Pool('timed', pool({ concurrency: 4, timeout: 1000 }), undefined)
    const outer = new AbortController().signal
    for (let i = 0; i < 500; i++) await p.run(async s => s.aborted, { signal: outer })
    await p.map(Array.from({ length: 500 }), (_item, _i, s) => s.aborted, { signal: outer })
    expect(dependants(outer)).toBe(0)
  })

  it('still aborts a running task\'s signal, with its reason, and rejects the task with it', async () => {
    const p = new Pool('timed', pool({ concurrency: 2, timeout: 1000 }), undefined)
    const ac = new AbortController()
    let seen: AbortSignal | undefined
    let resolveStarted = (): void => {}
    const started = new Promise<void>(r => { resolveStarted = r })
    const task = p.run(async (s) => {
      seen = s
      resolveStarted()
      await new Promise(r => s.addEventListener('abort', r, { once: true }))
      return 'ended'
    }, { signal: ac.signal })
    await started
    const reason = new Error('stop')
    ac.abort(reason)
    await expect(task).rejects.toBe(reason)
    expect(seen!.aborted).toBe(true)
    expect(seen!.reason).toBe(reason)
  })
})
