/**
 * `config:resolved` and `perf:ready` fire once, inside createPerf(). The host's perf.hooks.hook() of
 * either once createPerf() has returned registered a listener that never ran, silently, where a
 * plugin registering them late gets a warning. The host gets one too, once per name; the listener is
 * still registered (a callHook() of the name calls it). Registered before they fire (from a
 * `config:resolved` listener of the config, through getPerf()), they fire and warn nothing.
 */
import { describe, expect, it } from 'vitest'
import { getPerf } from '../../src/runtime/current.js'
import { createPerf } from '../../src/runtime/perf.js'
import { BASE, projectWith } from '../helpers/project.js'
import { captureStderr } from '../helpers/stderr.js'

describe("the host's hook() of a start-up hook that has fired", () => {
  it('config:resolved and perf:ready registered after createPerf(): one warning per name; callHook() still calls them', async () => {
    const dir = projectWith(`export default { ${BASE} }`, {}, 'host-late-hook-cli')
    const calls: string[] = []
    const { text } = await captureStderr(async () => {
      const perf = await createPerf({ cwd: dir, noExitHandlers: true })
      perf.hooks.hook('perf:ready', () => { calls.push('ready') })
      perf.hooks.hookOnce('perf:ready', () => { calls.push('ready once') })
      perf.hooks.hook('config:resolved', () => { calls.push('config') })
      perf.hooks.hook('command:before', () => { calls.push('before') })
      await perf.run('one', () => {})
      await perf.hooks.callHook('perf:ready', perf)
      await perf.close()
    })
    expect(calls).toEqual(['before', 'ready', 'ready once'])
    const lines = text.split('\n').filter(l => l.includes('perf.hooks.hook('))
    expect(lines).toEqual([
      "[unperf] warn perf.hooks.hook('perf:ready'): it fires once, at the end of createPerf(), and has fired: the listener will not run (perf is ready: run that code where it is registered)",
      "[unperf] warn perf.hooks.hook('config:resolved'): it fires once, in createPerf(), and has fired: the listener will not run (declare it in the config's `hooks` or a plugin's `hooks`)",
    ])
  })

  it('registered before it fires (a config:resolved listener adding a perf:ready one): it runs, no warning', async () => {
    const dir = projectWith(`export default { ${BASE} }`, {}, 'host-early-hook-cli')
    const calls: string[] = []
    const { text } = await captureStderr(async () => {
      const perf = await createPerf({
        cwd: dir, noExitHandlers: true,
        overrides: { hooks: { 'config:resolved': () => { getPerf().hooks.hook('perf:ready', () => { calls.push('ready') }) } } },
      })
      await perf.close()
    })
    expect(calls).toEqual(['ready'])
    expect(text).not.toContain('perf.hooks.hook(')
  })
})
