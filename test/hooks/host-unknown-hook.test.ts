/**
 * The host's perf.hooks.hook() of a name unperf never fires (a typo: 'command:aftr') was accepted
 * silently: a listener that never ran. It gets a warning, once per name, with a did-you-mean (a
 * config an error). A warning, not an error: the listener is registered and a callHook() of that
 * name calls it. Known names warn nothing. A plugin's warning named the plugin but listed every
 * hook name, typo or not: it gets the same did-you-mean, still naming the plugin.
 */
import { describe, expect, it } from 'vitest'
import { PERF_HOOK_NAMES } from '../../src/hooks/types.js'
import type { PerfHookName } from '../../src/hooks/types.js'
import { createPerf } from '../../src/runtime/perf.js'
import { BASE, projectWith } from '../helpers/project.js'
import { captureStderr } from '../helpers/stderr.js'

describe("the host's hook() of an unknown name", () => {
  it('warns once per name, with did-you-mean or the known names; the listener still runs on callHook()', async () => {
    const dir = projectWith(`export default { ${BASE} }`, {}, 'host-unknown-hook-cli')
    const calls: string[] = []
    const { text } = await captureStderr(async () => {
      const perf = await createPerf({ cwd: dir, noExitHandlers: true })
      perf.hooks.hook('command:aftr' as PerfHookName, () => { calls.push('aftr') })
      perf.hooks.hook('command:aftr' as PerfHookName, () => { calls.push('aftr 2') })
      perf.hooks.hookOnce('nope:z' as PerfHookName, () => { calls.push('nope') })
      perf.hooks.hook('command:after', () => { calls.push('after') })
      await perf.run('one', () => {})
      await (perf.hooks.callHook as (name: string) => Promise<void> | void)('nope:z')
      await perf.close()
    })
    expect(calls).toEqual(['after', 'nope'])
    const lines = text.split('\n').filter(l => l.includes('perf.hooks.hook('))
    expect(lines).toEqual([
      "[unperf] warn perf.hooks.hook('command:aftr'): unperf fires no hook of that name (did you mean 'command:after'?); the listener is registered, but only a callHook('command:aftr') calls it",
      `[unperf] warn perf.hooks.hook('nope:z'): unperf fires no hook of that name (known hooks: ${PERF_HOOK_NAMES.join(', ')}); the listener is registered, but only a callHook('nope:z') calls it`,
    ])
  })

  it("a plugin's hook of an unknown name: the same did-you-mean (or the known names), naming the plugin; the listener still runs on callHook()", async () => {
    const dir = projectWith(`export default { ${BASE}, plugins: ['./plugins/typo.mjs'] }`, {
      'plugins/typo.mjs': `export default {
        name: 'typo',
        hooks: { 'command:aftr': () => { globalThis.__typoCalls.push('aftr') } },
        setup({ hooks }) { hooks.hook('nope:z', () => { globalThis.__typoCalls.push('nope') }) },
      }`,
    }, 'plugin-unknown-hook-cli')
    const calls: string[] = []
    ;(globalThis as { __typoCalls?: string[] }).__typoCalls = calls
    const { text } = await captureStderr(async () => {
      const perf = await createPerf({ cwd: dir, noExitHandlers: true })
      await perf.run('one', () => {})
      await (perf.hooks.callHook as (name: string) => Promise<void> | void)('command:aftr')
      await perf.close()
    })
    expect(calls).toEqual(['aftr'])
    const lines = text.split('\n').filter(l => l.includes("plugin 'typo' registers"))
    expect(lines).toEqual([
      "[unperf] warn plugin 'typo' registers the hook 'command:aftr', which unperf never fires (did you mean 'command:after'?); the listener is registered, but only a callHook('command:aftr') calls it",
      `[unperf] warn plugin 'typo' registers the hook 'nope:z', which unperf never fires (known hooks: ${PERF_HOOK_NAMES.join(', ')}); the listener is registered, but only a callHook('nope:z') calls it`,
    ])
  })
})
