/**
 * `task:end` and `task:error` always carry the attempt's `duration`, `task:retry` its `delay`: a
 * listener feeding them to a histogram under `strict` needed `!` (the four task hooks shared one
 * payload type, whose `duration`, `delay` and `error` were all optional).
 */
import { describe, expectTypeOf, it } from 'vitest'
import { definePerfConfig } from '../../src/config/index.js'
import { definePerfPlugin } from '../../src/hooks/define-plugin.js'
import type { TaskEventPayload } from '../../src/hooks/types.js'

describe('task:* payloads', () => {
  it('task:end and task:error have a duration, task:retry a delay, in the config, a plugin and perf.hooks', () => {
    definePerfConfig({
      hooks: {
        'task:end': (e) => { expectTypeOf(e.duration).toBeNumber() },
        'task:error': (e) => { expectTypeOf(e.duration).toBeNumber(); expectTypeOf(e.error).toBeUnknown() },
        'task:retry': (e) => { expectTypeOf(e.delay).toBeNumber() },
        'task:start': (e) => { expectTypeOf(e.attempt).toBeNumber() },
      },
    })
    definePerfPlugin({
      name: 'p',
      hooks: { 'task:end': (e) => { expectTypeOf(e.duration).toBeNumber() } },
      setup({ hooks }) { hooks.hook('task:error', (e) => { expectTypeOf(e.duration).toBeNumber() }) },
    })
    // a listener written for any task event still fits every task hook
    const any = (e: TaskEventPayload): void => { void e.pool }
    definePerfConfig({ hooks: { 'task:start': any, 'task:end': any, 'task:error': any, 'task:retry': any } })
  })
})
