/**
 * What a plugin learns of other plugins through the caches it is given: its own `cache.info()` and
 * `shared.info()` name no other plugin's namespace, also one a previous run left on disk, and
 * `shared.keys()` lists shared's keys only. The host's `perf.cache.info()` names them all, called from a plugin too.
 */
import { describe, expect, it } from 'vitest'
import { createPerf } from '../../src/runtime/perf.js'
import { projectWith } from '../helpers/project.js'

const spy = `globalThis.__spy = {}
export default { name: 'spy', async setup({ perf, cache, shared }) {
  await cache.set('mine', 1)
  await shared.set('git:head', 'abc')
  globalThis.__spy.own = (await cache.info()).namespaces
  globalThis.__spy.shared = (await shared.info()).namespaces
  globalThis.__spy.sharedKeys = await shared.keys()
  globalThis.__spy.host = (await perf.cache.info()).namespaces
} }`
const secrets = `export default { name: 'secrets', async setup({ cache }) { await cache.set('/home/alice/.netrc', 1) } }`

describe("a plugin's view of the cache's namespaces", () => {
  it("info() of its cache and of shared never names another plugin's namespace, in this run or on disk", async () => {
    const dir = projectWith(`export default { cache: { driver: 'fs' }, report: { console: false, dir: './.perf' },
      plugins: [...(process.env.WITH_SECRETS === '1' ? ['./plugins/secrets.mjs'] : []), './plugins/spy.mjs'] }`, {
      'plugins/spy.mjs': spy, 'plugins/secrets.mjs': secrets,
    }, `plugin-info-${process.pid}`)
    for (const withSecrets of ['1', '0']) {
      process.env.WITH_SECRETS = withSecrets
      const perf = await createPerf({ cwd: dir, noExitHandlers: true })
      const all = (await perf.cache.info()).namespaces
      await perf.close()
      const seen = (globalThis as { __spy?: Record<string, string[]> }).__spy!
      expect(all).toContain('plugin:secrets')
      expect(all).toContain('plugin:spy')
      expect(seen.own).toContain('plugin:spy')
      expect(seen.own).toContain('shared')
      expect(seen.own).not.toContain('plugin:secrets')
      expect(seen.shared).toContain('shared')
      expect(seen.shared!.filter(n => n.startsWith('plugin:'))).toEqual([])
      expect(seen.sharedKeys).toEqual(['git:head'])
      // the host's perf.cache.info() is the host's also when a plugin calls it: every namespace's name
      // (documented, decided in s32: names only; keys and values stay each plugin's own)
      expect(seen.host).toContain('plugin:spy')
      if (withSecrets === '0') expect(seen.host).toContain('plugin:secrets') // stored by the run before
    }
    delete process.env.WITH_SECRETS
  })
})
