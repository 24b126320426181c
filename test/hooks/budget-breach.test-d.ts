/**
 * `budget:exceeded` gets a failed budget, which always has its `actual` and `limit`: a listener
 * comparing them under `strict` needed `!` (the payload was BudgetResult, whose pass and skip
 * results may lack them).
 */
import { describe, expectTypeOf, it } from 'vitest'
import { definePerfConfig } from '../../src/config/index.js'
import { definePerfPlugin } from '../../src/hooks/define-plugin.js'
import type { BudgetResult } from '../../src/runtime/types.js'

describe('budget:exceeded', () => {
  it('gets a failure with its actual and limit, in the config, a plugin and perf.hooks', () => {
    definePerfConfig({
      hooks: {
        'budget:exceeded': (b) => {
          expectTypeOf(b.status).toEqualTypeOf<'fail'>()
          expectTypeOf(b.actual - b.limit).toBeNumber()
        },
      },
    })
    definePerfPlugin({
      name: 'p',
      hooks: { 'budget:exceeded': (b) => { expectTypeOf(b.actual).toBeNumber() } },
      setup({ hooks }) { hooks.hook('budget:exceeded', (b) => { expectTypeOf(b.limit).toBeNumber() }) },
    })
    // a listener written for any BudgetResult still fits
    definePerfConfig({ hooks: { 'budget:exceeded': (b: BudgetResult) => { void b.message } } })
  })
})
