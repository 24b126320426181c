/**
 * A plugin's own `cache` is a PerfPluginCache: a PerfCache whose `namespace()` (it always throws)
 * is marked deprecated, so editors strike it through. Both ways assignable: the setup() context of
 * a plugin built against an older copy of unperf (its cache typed PerfCache) fits the host's type
 * (a `never` return broke that: definePerfConfig rejected such a plugin).
 */
import { describe, expectTypeOf, it } from 'vitest'
import { definePerfPlugin } from '../../src/hooks/define-plugin.js'
import type { PerfPluginCache } from '../../src/hooks/plugin-types.js'
import type { PerfCache } from '../../src/runtime/types.js'

describe("a plugin's cache", () => {
  it('is a PerfCache and a PerfCache is one; shared and perf.cache open namespaces', () => {
    definePerfPlugin({
      name: 'p',
      setup({ perf, cache, shared }) {
        expectTypeOf(cache).toEqualTypeOf<PerfPluginCache>()
        expectTypeOf(cache).toExtend<PerfCache>()
        expectTypeOf<PerfCache>().toExtend<PerfPluginCache>()
        expectTypeOf(shared.namespace('templates')).toEqualTypeOf<PerfCache>()
        expectTypeOf(perf.cache.namespace('templates')).toEqualTypeOf<PerfCache>()
        expectTypeOf(cache.get<string>('k')).resolves.toEqualTypeOf<string | null>()
      },
    })
  })
})
