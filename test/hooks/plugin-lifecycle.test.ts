/**
 * perf.run() and perf.close() are the host's. A plugin that closed perf in its setup() wrote the
 * run's report, history line and `exit` before any command ran (the host's commands then ran on a
 * closed instance); one that ran a command from setup() ended startup there and added a command the
 * CLI does not have to budgets and history. Both are refused, reported with the plugin's name,
 * through the `perf` setup() gets and through `ctx.perf` in the plugin's listeners; the host's
 * commands and its close() are untouched.
 */
import { describe, expect, it } from 'vitest'
import { getPerf } from '../../src/runtime/current.js'
import { createPerf } from '../../src/runtime/perf.js'
import { BASE, projectWith } from '../helpers/project.js'
import { configAt } from '../helpers/position.js'
import { captureStderr } from '../helpers/stderr.js'

describe('a plugin calling perf.run() or perf.close()', () => {
  it('is refused with an error naming the plugin; the run stays the host’s', async () => {
    const dir = projectWith(`export default { ${BASE}, plugins: ['./plugins/p.mjs'] }`, {
      'plugins/p.mjs': `globalThis.__lifecycle = []
      const note = p => p.then(() => globalThis.__lifecycle.push('allowed'), e => { globalThis.__lifecycle.push(e.code); throw e })
      export default { name: 'p', hooks: {
        'command:after': ctx => note(ctx.perf.close()),
      }, async setup({ perf }) {
        await note(perf.run('plugin-task', () => {})).catch(() => {})
        await note(perf.close())
      } }`,
    }, 'plugin-lifecycle-cli')
    const { text, value: report } = await captureStderr(async () => {
      const perf = await createPerf({ cwd: dir, noExitHandlers: true })
      expect(perf.closed).toBe(false)
      await perf.run('build', () => {})
      return perf.close()
    })
    expect((globalThis as { __lifecycle?: string[] }).__lifecycle).toEqual(['E_PLUGIN_LIFECYCLE', 'E_PLUGIN_LIFECYCLE', 'E_PLUGIN_LIFECYCLE'])
    expect(report.commands.map(c => c.name)).toEqual(['build'])
    expect(text).toContain(`plugin 'p' (plugins[0] in ${configAt(dir, "'./plugins/p.mjs'")}) failed in setup: a plugin cannot call perf.close(): it ends the host's run`)
    expect(text).toContain(`plugin 'p' (plugins[0] in ${configAt(dir, "'./plugins/p.mjs'")}) failed in hook 'command:after': a plugin cannot call perf.close()`)
  })
})

describe('a plugin calling perf.run() or perf.close() after an await of its async listener', () => {
  it('is refused there too (through ctx.perf, getPerf() and the perf of perf:ready); the host’s own calls meanwhile go through', async () => {
    const dir = projectWith(`export default { ${BASE}, plugins: ['./plugins/p.mjs'] }`, {
      'plugins/p.mjs': `const getPerf = globalThis.__getPerf
      globalThis.__lateLifecycle = []
      const tick = () => new Promise(r => setTimeout(r, 2))
      const note = (where, p) => p.then(() => globalThis.__lateLifecycle.push(where + ' allowed'), e => globalThis.__lateLifecycle.push(where + ' ' + e.code))
      export default { name: 'p', hooks: {
        'perf:ready': async perf => { await tick(); await note('ready run', perf.run('plugin-task', () => {})) },
        'command:before': async ctx => { await tick(); await tick(); await note('before close', ctx.perf.close()); await note('before getPerf run', getPerf().run('plugin-task-2', () => {})) },
      } }`,
    }, 'plugin-lifecycle-await-cli')
    ;(globalThis as { __getPerf?: typeof getPerf }).__getPerf = getPerf
    const { value: report } = await captureStderr(async () => {
      const perf = await createPerf({ cwd: dir, noExitHandlers: true })
      await perf.run('build', () => new Promise(r => setTimeout(r, 30)))
      return perf.close()
    })
    expect((globalThis as { __lateLifecycle?: string[] }).__lateLifecycle).toEqual(['ready run E_PLUGIN_LIFECYCLE', 'before close E_PLUGIN_LIFECYCLE', 'before getPerf run E_PLUGIN_LIFECYCLE'])
    expect(report.commands.map(c => c.name)).toEqual(['build'])
  })
})
