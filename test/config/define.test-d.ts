import { describe, expectTypeOf, it } from 'vitest'
import { definePerfConfig, type PerfConfig } from '../../src/config/index.js'
import type { CommandContext, CommandResult } from '../../src/hooks/types.js'

describe('definePerfConfig types', () => {
  it('infers the literal config and accepts every documented key', () => {
    const config = definePerfConfig({
      name: 'acme',
      cache: { driver: ['memory', 'fs', { driver: 'redis', url: 'redis://x' }], ttl: '1d', maxSize: '200MB', namespaces: { git: { ttl: '5m', driver: 'memory' } } },
      concurrency: { default: 'auto', pools: { network: { concurrency: 8, timeout: '10s', retries: 2 } } },
      budgets: { mode: 'error', files: [{ path: 'dist/*.mjs', limit: '50kB', compression: 'gzip' }] },
      monitors: { alerts: { 'memory.rss': { above: '500MB', for: '10s' } }, prometheus: { port: 9464 } },
      hooks: {
        'command:after': (ctx, result) => {
          expectTypeOf(ctx).toEqualTypeOf<CommandContext>()
          expectTypeOf(result).toEqualTypeOf<CommandResult>()
        },
      },
      $env: { ci: { budgets: { mode: 'error' } } },
    })
    expectTypeOf(config.name).toEqualTypeOf<'acme'>()
    expectTypeOf(config).toMatchTypeOf<PerfConfig>()
  })

  it('rejects wrong types and unknown hook names', () => {
    // @ts-expect-error mode is 'warn' | 'error'
    definePerfConfig({ budgets: { mode: 'panic' } })
    // @ts-expect-error ttl is a duration or false
    definePerfConfig({ cache: { ttl: true } })
    // @ts-expect-error no such hook
    definePerfConfig({ hooks: { 'command:whenever': () => {} } })
  })
})
