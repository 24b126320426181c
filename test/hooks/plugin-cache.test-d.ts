/**
 * A plugin's own `cache` is a full PerfCache (passable where one is expected) whose `namespace()`
 * is typed `never` (it always throws): the mistake shows in the editor, not at run time only.
 */
import { describe, expectTypeOf, it } from 'vitest'
import { definePerfPlugin } from '../../src/hooks/plugins.js'
import type { PerfPluginCache } from '../../src/hooks/plugin-types.js'
import type { PerfCache } from '../../src/runtime/types.js'

describe("a plugin's cache", () => {
  it('is a PerfCache; its namespace() returns never; shared and perf.cache open namespaces', () => {
    definePerfPlugin({
      name: 'p',
      setup({ perf, cache, shared }) {
        expectTypeOf(cache).toEqualTypeOf<PerfPluginCache>()
        expectTypeOf(cache).toExtend<PerfCache>()
        expectTypeOf(cache.namespace).returns.toEqualTypeOf<never>()
        expectTypeOf(shared.namespace('templates')).toEqualTypeOf<PerfCache>()
        expectTypeOf(perf.cache.namespace('templates')).toEqualTypeOf<PerfCache>()
        expectTypeOf(cache.get<string>('k')).resolves.toEqualTypeOf<string | null>()
      },
    })
  })
})
