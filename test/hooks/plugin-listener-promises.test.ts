/**
 * What a hook call through plugins' `async` listeners costs in promises (each one an allocation
 * held until it settles; with 1 000 calls in flight, what V8 copies at every scavenge and promotes:
 * bench/scenarios/plugin-framework.mjs). 10 plugins' async listeners of one hook, as there: each
 * call of one is awaited by its plugin's named awaiter (async-owner.ts), which also reports its
 * rejection (a `.then()` over it made a promise more), and the call's listeners run in turn under
 * one async function (hookable's `.then()` chain made a promise, and a thenable job resolving it,
 * per listener). Counted with V8's promise hooks: exact for a given Node, no timing involved.
 * The behaviour they must keep: order, the plugin's name on a rejection, the listeners after it.
 */
import { promiseHooks } from 'node:v8'
import { describe, expect, it } from 'vitest'
import { createHookRegistry } from '../../src/hooks/registry.js'
import { pluginHooks } from '../../src/hooks/plugin-hooks.js'
import type { PluginError } from '../../src/errors.js'

const PLUGINS = 10
const CALLS = 1000

function tenPlugins() {
  const hooks = createHookRegistry()
  const reported: PluginError[] = []
  // each call's listeners, in the order they ran
  const order = new Map<number, number[]>()
  const ctx = { hooks, warn: () => {}, report: (error: PluginError) => { reported.push(error) } }
  for (let p = 0; p < PLUGINS; p++) {
    pluginHooks(`p${p}`, p, ctx).hook('task:start', async (event: { id: number }) => {
      order.set(event.id, [...order.get(event.id) ?? [], p])
      if (event.id % PLUGINS !== p) return
      await null
      if (event.id === 7) throw new Error('rejected after an await')
    })
  }
  return { hooks, reported, order }
}

describe("a hook call through plugins' async listeners", () => {
  it('creates fewer than 5 promises per listener called, and keeps the order and the errors', async () => {
    const { hooks, reported, order } = tenPlugins()
    // warm (the first call makes each plugin's awaiter)
    await Promise.all(Array.from({ length: PLUGINS }, (_, id) => hooks.callHook('task:start', { pool: 'p', id: id + 100, attempt: 1 })))
    order.clear()
    let promises = 0
    const stop = promiseHooks.onInit(() => { promises++ })
    let calls: Promise<void>[]
    try {
      calls = Array.from({ length: CALLS }, (_, id) => hooks.callHook('task:start', { pool: 'p', id, attempt: 1 }) as Promise<void>)
      await Promise.all(calls)
    } finally {
      stop()
    }
    const perListener = promises / (CALLS * PLUGINS)
    // measured on Node 20 (promise hooks on: each await counts its throwaway promise): 6.4 with a
    // .then() per listener in the plugin's wrapper and in the dispatch, 4.4 since; Promise.all's and
    // the listeners' own promises are in the count
    expect(perListener).toBeLessThan(5)
    // every call ran every listener, one after the other in the plugins' order
    expect(order.size).toBe(CALLS)
    expect([...order.values()].every(seen => seen.join() === '0,1,2,3,4,5,6,7,8,9')).toBe(true)
    // the rejection: reported with its plugin's name, never thrown at the host
    expect(reported.map(e => `${e.plugin}: ${(e.cause as Error).message}`)).toEqual(['p7: rejected after an await'])
  })
})
