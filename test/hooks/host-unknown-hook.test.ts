/**
 * The host's perf.hooks.hook() of a name unperf never fires (a typo: 'command:aftr') was accepted
 * silently: a listener that never ran. It gets a warning, once per name, with a did-you-mean (a
 * config an error). A warning, not an error: the listener is registered and a callHook() of that
 * name calls it. Known names warn nothing. A plugin's warning named the plugin but listed every
 * hook name, typo or not: it gets the same did-you-mean, still naming the plugin, and where it is
 * listed (`plugins[1] in perf.config.ts:5:5`), as its load and hook failures do.
 */
import { rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { PERF_HOOK_NAMES } from '../../src/hooks/types.js'
import type { PerfHookName } from '../../src/hooks/types.js'
import { createPerf } from '../../src/runtime/perf.js'
import { BASE, projectWith } from '../helpers/project.js'
import { configAt } from '../helpers/position.js'
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

  it("a plugin's hook of an unknown name: the same did-you-mean (or the known names), naming the plugin and where it is listed; the listener still runs on callHook()", async () => {
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
    const typo = `plugin 'typo' (plugins[0] in ${configAt(dir, "'./plugins/typo.mjs'")})`
    const lines = text.split('\n').filter(l => l.includes("plugin 'typo'"))
    expect(lines).toEqual([
      `[unperf] warn ${typo} registers the hook 'command:aftr', which unperf never fires (did you mean 'command:after'?); the listener is registered, but only a callHook('command:aftr') calls it`,
      `[unperf] warn ${typo} registers the hook 'nope:z', which unperf never fires (known hooks: ${PERF_HOOK_NAMES.join(', ')}); the listener is registered, but only a callHook('nope:z') calls it`,
    ])
  })

  it("a plugin's slips (an unknown hook in its hooks, config:resolved in setup()) name where perf.config.ts lists it, as its failures do", async () => {
    // before: `plugin 'slips' registers ...`, without the position its load and hook failures give
    const dir = projectWith('', {
      'plugins/first.mjs': `export default { name: 'first' }`,
      'plugins/slips.mjs': `export default { name: 'slips', hooks: { 'command:aftr': () => {} }, setup({ hooks }) { hooks.hook('config:resolved', () => {}) } }`,
    }, 'plugin-slips-cli')
    rmSync(join(dir, 'perf.config.mjs'))
    writeFileSync(join(dir, 'perf.config.ts'), `export default {\n  ${BASE},\n  plugins: [\n    './plugins/first.mjs',\n    './plugins/slips.mjs',\n  ],\n}\n`)
    const { text } = await captureStderr(async () => {
      const perf = await createPerf({ cwd: dir, noExitHandlers: true })
      await perf.close()
    })
    const slips = `plugin 'slips' (plugins[1] in perf.config.ts:5:5)`
    expect(configAt(dir, "'./plugins/slips.mjs'", 'perf.config.ts')).toBe('perf.config.ts:5:5')
    expect(text.split('\n').filter(l => l.includes("plugin 'slips'"))).toEqual([
      `[unperf] warn ${slips} registers the hook 'command:aftr', which unperf never fires (did you mean 'command:after'?); the listener is registered, but only a callHook('command:aftr') calls it`,
      `[unperf] warn ${slips} registers 'config:resolved' in setup(), after it fired: declare it in the plugin's \`hooks\` instead`,
    ])
  })
})
