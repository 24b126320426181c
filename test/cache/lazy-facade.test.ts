/**
 * perf.cache and the namespaces of the start path are facades over the cache code, which loads on
 * the first operation (runtime/cache/lazy.ts). Their methods keep their identity across that load
 * (they forward straight to the loaded namespace, instead of the real methods being bound over them
 * at load: ≈ 28 000 instructions a namespace, paid by each plugin's own namespace at every start),
 * and work detached (`const { get, set } = perf.cache`) before and after it.
 */
import { describe, expect, it } from 'vitest'
import { createPerf } from '../../src/runtime/perf.js'
import { BASE, projectWith } from '../helpers/project.js'

describe('the lazy cache facades', () => {
  it('keep each method across the cache code loading, detached calls working before and after', async () => {
    const perf = await createPerf({ cwd: projectWith(`export default { ${BASE} }`), noExitHandlers: true })
    const ns = perf.cache.namespace('facade')
    const before = { get: perf.cache.get, set: perf.cache.set, wrap: ns.wrap, keys: ns.keys }
    const { set, get } = perf.cache
    await set('a', 1) // loads the cache code
    expect(await get('a')).toBe(1)
    expect({ get: perf.cache.get, set: perf.cache.set, wrap: ns.wrap, keys: ns.keys }).toStrictEqual(before)
    const { wrap, keys } = ns
    expect(await wrap('b', () => 2)).toBe(2)
    expect(await keys()).toEqual(['b'])
    expect(perf.cache.stats().hits).toBe(1)
    await perf.close()
  })
})
