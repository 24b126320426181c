/**
 * A plugin's own `cache` opens no other namespace: its error says so and where to go instead
 * (perf.cache.namespace(name), or shared), before and after the cache code has loaded; a
 * `plugin:*` name is still refused as reserved.
 */
import { describe, expect, it } from 'vitest'
import { createPerf } from '../../src/runtime/perf.js'
import { BASE, projectWith } from '../helpers/project.js'

describe("a plugin's own cache", () => {
  it("namespace('templates') throws naming the way that works, not 'reserved'; a plugin:* name stays reserved", async () => {
    const dir = projectWith(`export default { ${BASE}, plugins: ['./plugins/p.mjs'] }`, {
      'plugins/p.mjs': `export default { name: 'p', async setup({ perf, cache }) {
        const attempt = fn => { try { fn(); return 'opened' } catch (e) { return e.name + ' ' + e.code + ': ' + e.message } }
        globalThis.__pluginNs = { before: attempt(() => cache.namespace('templates')) }
        await cache.set('k', 1) // the cache code loads: the real namespace answers from now on
        globalThis.__pluginNs.after = attempt(() => cache.namespace('templates'))
        globalThis.__pluginNs.reserved = attempt(() => cache.namespace('plugin:other'))
        globalThis.__pluginNs.viaPerf = perf.cache.namespace('templates').name
      } }`,
    }, 'plugin-cache-cli')
    const perf = await createPerf({ cwd: dir, noExitHandlers: true })
    await perf.close()
    const seen = (globalThis as { __pluginNs?: Record<string, string> }).__pluginNs!
    for (const when of ['before', 'after'] as const) {
      expect(seen[when]).toBe("NamespaceAccessError E_NAMESPACE_RESERVED: [unperf] a plugin's own `cache` ('plugin:p') opens no other namespace: for 'templates' use `perf.cache.namespace('templates')` (or `shared`, the namespace all plugins share)")
    }
    expect(seen.reserved).toBe("NamespaceAccessError E_NAMESPACE_RESERVED: [unperf] cache namespace 'plugin:other' is reserved: 'plugin:*' namespaces are reachable only through that plugin's own `cache`")
    expect(seen.viaPerf).toBe('templates')
  })
})
