/**
 * What a plugin's `cache:*` listeners see: events of its own namespace, `shared`, and the host's
 * namespaces (default, configured, opened by name), never another plugin's `plugin:*` namespace,
 * whose keys often carry data (paths, urls, user names). Whichever route the listener took: the
 * plugin's `hooks` object, setup()'s `hooks`, or `perf.hooks` in setup(). The host's own listeners
 * (config hooks, `perf.hooks` in the host's code) still see every namespace.
 */
import { describe, expect, it } from 'vitest'
import { createPerf } from '../../src/runtime/perf.js'
import { BASE, projectWith } from '../helpers/project.js'

const CACHE_HOOKS = ['cache:hit', 'cache:miss', 'cache:set', 'cache:evict']

/** A plugin that records every cache event its listeners get, by route, in globalThis.__seen[name]. */
function recorder(name: string): string {
  return `globalThis.__seen ??= {}
  const seen = globalThis.__seen[${JSON.stringify(name)}] = { object: [], setup: [], perfHooks: [] }
  const record = route => e => { seen[route].push(e.namespace + ' ' + e.key) }
  export default {
    name: ${JSON.stringify(name)},
    hooks: Object.fromEntries(${JSON.stringify(CACHE_HOOKS)}.map(h => [h, record('object')])),
    async setup({ perf, cache, hooks }) {
      for (const h of ${JSON.stringify(CACHE_HOOKS)}) hooks.hook(h, record('setup'))
      await Promise.resolve()
      for (const h of ${JSON.stringify(CACHE_HOOKS)}) perf.hooks.hook(h, record('perfHooks'))
      globalThis.__caches ??= {}
      globalThis.__caches[${JSON.stringify(name)}] = cache
    },
  }`
}

describe("a plugin's cache:* listeners", () => {
  it("see their own namespace, shared and the host's, never another plugin's; the host sees all", async () => {
    const dir = projectWith(`globalThis.__host = []
      export default { ${BASE}, cache: { driver: 'memory', namespaces: { templates: { ttl: '1h' } } },
      hooks: Object.fromEntries(${JSON.stringify(CACHE_HOOKS)}.map(h => [h, e => { globalThis.__host.push(e.namespace + ' ' + e.key) }])),
      plugins: ['./plugins/metrics.mjs', './plugins/secrets.mjs'] }`, {
      'plugins/metrics.mjs': recorder('metrics'),
      'plugins/secrets.mjs': recorder('secrets'),
    }, 'plugin-events-cli')
    const perf = await createPerf({ cwd: dir, noExitHandlers: true })
    const caches = (globalThis as { __caches?: Record<string, import('../../src/index.js').PerfCache> }).__caches!
    await perf.run('go', async () => {
      const secret = caches.secrets!
      await secret.set('/home/alice/.netrc', 1)
      await secret.get('/home/alice/.netrc')
      await secret.get('https://alice@example.com/missing')
      await secret.invalidate('/home/*')
      await caches.metrics!.set('own', 1)
      await caches.metrics!.get('own')
      await perf.cache.set('host-key', 1)
      await perf.cache.namespace('templates').get('tpl')
      await perf.cache.namespace('shared').set('git:head', 'abc')
    })
    await perf.close()
    const seen = (globalThis as { __seen?: Record<string, Record<string, string[]>> }).__seen!
    const expected = ['plugin:metrics own', 'plugin:metrics own', 'default host-key', 'templates tpl', 'shared git:head']
    for (const route of ['object', 'setup', 'perfHooks']) expect(seen.metrics![route]).toEqual(expected)
    // and the other way round: secrets sees its own events, not metrics'
    for (const route of ['object', 'setup', 'perfHooks']) {
      expect(seen.secrets![route]!.filter(e => e.startsWith('plugin:'))).toEqual([
        'plugin:secrets /home/alice/.netrc', 'plugin:secrets /home/alice/.netrc', 'plugin:secrets https://alice@example.com/missing', 'plugin:secrets /home/alice/.netrc',
      ])
    }
    const host = (globalThis as { __host?: string[] }).__host!
    expect(host).toContain('plugin:secrets /home/alice/.netrc')
    expect(host).toContain('plugin:metrics own')
    expect(host).toContain('default host-key')
  })
})
