import { describe, expectTypeOf, it } from 'vitest'
import type { Reporter } from 'vitest/node'
import { defineConfig } from 'vitest/config'
import UnperfReporterDefault, { UnperfReporter, type UnperfReporterOptions } from '../../src/vitest/index.js'

describe('unperf/vitest types', () => {
  it('is a vitest Reporter, as an instance and as the default export', () => {
    expectTypeOf(new UnperfReporter()).toMatchTypeOf<Reporter>()
    expectTypeOf(UnperfReporterDefault).toEqualTypeOf<typeof UnperfReporter>()
    defineConfig({ test: { reporters: ['default', new UnperfReporter({ dir: '.unperf/tests', history: 50 })] } })
    defineConfig({ test: { reporters: [['unperf/vitest', { dir: '.unperf/tests' } satisfies UnperfReporterOptions]] } })
  })

  it('checks its options', () => {
    // @ts-expect-error history is a number of runs
    new UnperfReporter({ history: '100' })
  })
})
