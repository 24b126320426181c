/**
 * `monitor:sample`'s host values (`monitors.system`) were typed `Record<string, unknown>`: a
 * listener reading `sample.system.memory.total` under `strict` needed a cast to a shape it had to
 * copy from the docs. They are typed now, as every other part of the sample.
 */
import { describe, expectTypeOf, it } from 'vitest'
import { definePerfConfig } from '../../src/config/index.js'
import type { MonitorSample, MonitorSystemSample } from '../../src/index.js'

describe('monitor:sample', () => {
  it("types the host values of monitors.system", () => {
    definePerfConfig({
      hooks: {
        'monitor:sample': (s) => {
          expectTypeOf(s.system).toEqualTypeOf<MonitorSystemSample | undefined>()
          if (s.system) {
            expectTypeOf(s.system.memory.total).toBeNumber()
            expectTypeOf(s.system.load.percent).toBeNumber()
            expectTypeOf(s.system.disk.usedPercent).toBeNumber()
            expectTypeOf(s.system.network.rxSec).toBeNumber()
            expectTypeOf(s.system.time).toBeNumber()
          }
        },
      },
    })
    expectTypeOf<NonNullable<MonitorSample['system']>['memory']>().toEqualTypeOf<{ total: number; used: number; available: number; usedPercent: number }>()
  })
})
