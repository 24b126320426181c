/**
 * A plugin's `async` listener is the plugin's across its awaits. What it registered on `perf.hooks`
 * (through `ctx.perf`, `getPerf()`, the `perf` of perf:ready) after an await was counted as the
 * host's: its error read "a 'command:after' hook listener threw" with no plugin name, it ran after
 * every plugin's listeners, and a `cache:*` listener registered so heard the events of every
 * plugin's namespace, another plugin's keys included. Now it is the plugin's, as before the first
 * await. The host's listeners that its cache calls fire still run, and register, as the host's.
 */
import { describe, expect, it } from 'vitest'
import { getPerf } from '../../src/runtime/current.js'
import { createPerf } from '../../src/runtime/perf.js'
import { BASE, projectWith } from '../helpers/project.js'
import { configAt } from '../helpers/position.js'
import { captureStderr } from '../helpers/stderr.js'

describe("a plugin's async listener after an await", () => {
  it('registers for the plugin: errors named, cache:* events of its own and the host namespaces only; the host stays the host', async () => {
    ;(globalThis as { __getPerf?: typeof getPerf }).__getPerf = getPerf
    const heard: string[] = []
    ;(globalThis as { __heard?: string[] }).__heard = heard
    const dir = projectWith(`export default { ${BASE}, plugins: ['./plugins/p.mjs', './plugins/q.mjs'] }`, {
      'plugins/p.mjs': `const tick = () => new Promise(r => setTimeout(r, 2))
      export default { name: 'p', hooks: {
        'command:before': async ctx => {
          await tick()
          ctx.perf.hooks.hook('command:after', () => { throw new Error('registered after an await') })
          await tick()
          globalThis.__getPerf().hooks.hook('cache:set', e => { globalThis.__heard.push('p heard ' + e.namespace + ' ' + e.key) })
          await ctx.perf.cache.set('from-p', 1)
        },
      }, async setup({ perf }) {
        await tick()
        perf.hooks.hookOnce('perf:ready', async p => { await tick(); p.hooks.hook('report', () => { throw new Error('registered in perf:ready after an await') }) })
      } }`,
      'plugins/q.mjs': `export default { name: 'q', setup({ cache, hooks }) {
        hooks.hook('command:after', async () => { await cache.set('q-secret', 1) })
      } }`,
    }, 'plugin-async-identity-cli')
    const { text } = await captureStderr(async () => {
      const perf = await createPerf({ cwd: dir, noExitHandlers: true })
      // the host's listener, fired by the plugin's cache.set() after its await: what it registers is the host's
      perf.hooks.hook('cache:set', e => {
        if (e.key === 'from-p') perf.hooks.hook('exit', () => { throw new Error('the host registered this') })
      })
      await perf.run('go', async () => { await new Promise(r => setTimeout(r, 20)) })
      await perf.cache.set('host-key', 1)
      await perf.close()
    })
    expect(text).toContain(`plugin 'p' (plugins[0] in ${configAt(dir, "'./plugins/p.mjs'")}) failed in hook 'command:after': registered after an await`)
    expect(text).toContain(`plugin 'p' (plugins[0] in ${configAt(dir, "'./plugins/p.mjs'")}) failed in hook 'report': registered in perf:ready after an await`)
    expect(text).toContain("a 'exit' hook listener threw: the host registered this")
    expect(text).not.toMatch(/a '(command:after|report)' hook listener threw/)
    // p's listener hears its own set and the host's, never q's namespace
    expect(heard).toEqual(['p heard default from-p', 'p heard default host-key'])
  })
})
