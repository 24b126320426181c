/**
 * An entry of a map of the user's names set to undefined is absent, as an optional key is (docs/config.md:
 * "every optional key also takes undefined"): `namespaces: { git: ci ? { ttl: '1h' } : undefined }`,
 * and so `concurrency.pools`, `budgets.commands`, `$env` and `monitors.alerts`. It was a config error
 * (`cache.namespaces.x: expected an object, got undefined`). A map of values is not one of them:
 * a pushgateway's `grouping` label from an unset variable is still reported (docs/monitors.md).
 */
import { describe, expect, it } from 'vitest'
import { loadPerfConfig } from '../../src/config/load.js'
import type { ConfigError } from '../../src/errors.js'
import { projectWith } from '../helpers/project.js'

const load = (config: string, env = 'ci', files: Record<string, string> = {}) =>
  loadPerfConfig({ cwd: projectWith(`export default ${config}`, files), env, noSnapshot: true })

describe('a map entry set to undefined', () => {
  it('is absent in namespaces (a plugin\'s too), pools, budgets.commands, alerts and $env', async () => {
    const config = await load(`{
      cache: { namespaces: { off: undefined, 'plugin:audit': undefined, git: { ttl: '5m' } } },
      concurrency: { pools: { off: undefined, net: { concurrency: 2 } } },
      budgets: { commands: { off: undefined, build: { duration: '2s' } } },
      monitors: { alerts: { 'memory.rss': undefined, 'handles.active': 100 } },
      $env: { ci: undefined, staging: { cache: { ttl: '1h' } } },
    }`)
    expect(Object.keys(config.cache.namespaces)).toEqual(['git'])
    expect(Object.keys(config.concurrency.pools)).toEqual(['net'])
    expect(config.budgets.commands).toEqual({ build: { duration: 2000 } })
    expect(Object.keys(config.monitors.alerts)).toEqual(['handles.active'])
    expect(config.cache.ttl).toBe(86_400_000)
  })

  it("inside an env block, and over a lower layer's entry, which it leaves in place", async () => {
    const config = await load(`{ extends: ['./base.mjs'], cache: { namespaces: { git: undefined } }, $env: { ci: { concurrency: { pools: { net: undefined } } } } }`, 'ci', {
      'base.mjs': `export default { cache: { namespaces: { git: { ttl: '5m' } } }, concurrency: { pools: { net: { concurrency: 2 } } } }`,
    })
    expect(config.cache.namespaces.git).toMatchObject({ ttl: 300_000 })
    expect(config.concurrency.pools.net).toMatchObject({ concurrency: 2 })
  })

  it("a grouping label set to undefined is still an error (an unset variable's label would merge machines' pushes)", async () => {
    const error = await load(`{ monitors: { prometheus: { pushgateway: 'http://127.0.0.1:9091', grouping: { instance: undefined } } } }`)
      .then(() => { throw new Error('loaded') }, (e: ConfigError) => e)
    expect(error.issues.map(i => i.path)).toEqual(['monitors.prometheus.grouping.instance'])
  })
})
