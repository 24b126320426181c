import { describe, expect, it } from 'vitest'
import { createPerf } from '../../src/runtime/perf.js'
import { BASE, projectWith as projectDir } from '../helpers/project.js'
import { configAt } from '../helpers/position.js'
import { captureStderr } from '../helpers/stderr.js'

const projectWith = (config: string, files: Record<string, string> = {}) => projectDir(config, files, 'hooks-cli')

describe('perf.hooks', () => {
  it('hook() returns its unregister; hookOnce() fires once; removeHook() removes a hookOnce listener too', async () => {
    const perf = await createPerf({ cwd: projectWith(`export default { ${BASE} }`), noExitHandlers: true })
    const seen: string[] = []
    const unregister = perf.hooks.hook('command:before', () => { seen.push('unregistered') })
    unregister()
    perf.hooks.hookOnce('command:before', ctx => { seen.push(`once:${ctx.name}`) })
    const removed = () => { seen.push('removed once') }
    perf.hooks.hookOnce('command:before', removed)
    perf.hooks.removeHook('command:before', removed)
    const plain = () => { seen.push('removed plain') }
    perf.hooks.hook('command:after', plain)
    perf.hooks.removeHook('command:after', plain)
    // the same function once on two hooks: removing it from one leaves the other
    const both = (ctx: { name: string }) => { seen.push(`both:${ctx.name}`) }
    perf.hooks.hookOnce('command:before', both)
    perf.hooks.hookOnce('command:after', both)
    perf.hooks.removeHook('command:before', both)
    await perf.run('a', () => {})
    await perf.run('b', () => {})
    expect(seen).toEqual(['once:a', 'both:a'])
    expect(perf.hooks.hasListeners('command:before')).toBe(false)
    await perf.close()
  })

  it("a listener that throws or rejects is reported and the listeners after it still run (config, plugin, the host's)", async () => {
    const dir = projectWith(`export default { ${BASE}, plugins: ['./plugins/p.mjs'], hooks: {
      'command:before': () => { throw new Error('config hook exploded') },
      'command:after': async () => { throw new Error('async config hook exploded') },
    } }`, {
      'plugins/p.mjs': `export default { name: 'p', hooks: {
        'command:before': ctx => { ctx.data.plugin = true },
        'command:after': ctx => { globalThis.__pluginAfter = ctx.name },
      } }`,
    })
    let hostAfter: string | undefined
    let data: Record<string, unknown> = {}
    const { text } = await captureStderr(async () => {
      const perf = await createPerf({ cwd: dir, noExitHandlers: true })
      perf.hooks.hook('command:after', ctx => { hostAfter = ctx.name })
      data = await perf.run('cmd', ctx => ctx.data)
      await perf.close()
    })
    expect(data.plugin).toBe(true)
    expect((globalThis as { __pluginAfter?: string }).__pluginAfter).toBe('cmd')
    expect(hostAfter).toBe('cmd')
    expect(text).toContain("a 'command:before' hook listener threw: config hook exploded")
    expect(text).toContain("a 'command:after' hook listener threw: async config hook exploded")
  })

  it("a plugin's hookOnce listener can be removed through the plugin's own hooks", async () => {
    const dir = projectWith(`export default { ${BASE}, plugins: ['./plugins/p.mjs'] }`, {
      'plugins/p.mjs': `export default { name: 'p', setup({ hooks }) {
        globalThis.__pluginSeen = []
        const fn = ctx => { globalThis.__pluginSeen.push(ctx.name) }
        hooks.hookOnce('command:before', fn)
        hooks.removeHook('command:before', fn)
        hooks.hookOnce('command:after', fn)
      } }`,
    })
    const perf = await createPerf({ cwd: dir, noExitHandlers: true })
    await perf.run('x', () => {})
    await perf.run('y', () => {})
    await perf.close()
    expect((globalThis as { __pluginSeen?: string[] }).__pluginSeen).toEqual(['x'])
  })

  it("a plugin's own config:resolved hook fires (before its setup); registering it in setup() warns", async () => {
    const dir = projectWith(`export default { ${BASE}, plugins: ['./plugins/p.mjs'], hooks: {
      'config:resolved': () => { globalThis.__order.push('config hook') },
    } }`, {
      'plugins/p.mjs': `globalThis.__order = []
      export default { name: 'p',
        hooks: { 'config:resolved': config => { globalThis.__order.push('plugin hook ' + config.name) } },
        setup({ hooks }) {
          globalThis.__order.push('setup')
          hooks.hook('config:resolved', () => { globalThis.__order.push('too late') })
        } }`,
    })
    const { text } = await captureStderr(async () => {
      const perf = await createPerf({ cwd: dir, noExitHandlers: true })
      await perf.close()
    })
    expect((globalThis as { __order?: string[] }).__order).toEqual(['config hook', 'plugin hook hooks-cli', 'setup'])
    expect(text).toContain(`plugin 'p' (plugins[0] in ${configAt(dir, "'./plugins/p.mjs'")}) registers 'config:resolved' in setup(), after it fired`)
  })
})
