/**
 * `perf.cache.namespace('plugin:x')` throws at run time (API.md: `plugin:*` namespaces are reserved):
 * a literal `plugin:` name is a type error too, so editors flag it before it runs. Any other name,
 * a `string` variable included (checked at run time), opens a namespace as before; a plugin's own
 * cache (its `namespace()` deprecated: always throws) and one typed by an older copy of unperf
 * (`namespace(name: string)`) still fit PerfCache.
 */
import { describe, expectTypeOf, it } from 'vitest'
import type { PerfPluginCache } from '../../src/hooks/plugin-types.js'
import type { PerfCache } from '../../src/runtime/types.js'

declare const cache: PerfCache
declare const name: string
declare const id: string

describe('perf.cache.namespace()', () => {
  it('refuses a literal plugin:* name', () => {
    // @ts-expect-error reserved: only the plugin's own `cache` reaches it
    cache.namespace('plugin:x')
    // @ts-expect-error reserved, built from a template
    cache.namespace(`plugin:${id}`)
    // @ts-expect-error the reserved prefix on a namespace opened from another one
    cache.namespace('templates').namespace('plugin:git-info')
  })

  it('opens any other name, a string variable too', () => {
    expectTypeOf(cache.namespace('templates')).toEqualTypeOf<PerfCache>()
    expectTypeOf(cache.namespace('plugins')).toEqualTypeOf<PerfCache>()
    expectTypeOf(cache.namespace('x:plugin:y')).toEqualTypeOf<PerfCache>()
    expectTypeOf(cache.namespace(name)).toEqualTypeOf<PerfCache>()
  })

  it('leaves PerfPluginCache and an older PerfCache assignable both ways', () => {
    expectTypeOf<PerfPluginCache>().toExtend<PerfCache>()
    expectTypeOf<PerfCache>().toExtend<PerfPluginCache>()
    type OlderCache = Omit<PerfCache, 'namespace'> & { namespace(name: string): OlderCache }
    expectTypeOf<OlderCache>().toExtend<PerfCache>()
    expectTypeOf<PerfCache>().toExtend<OlderCache>()
  })
})
