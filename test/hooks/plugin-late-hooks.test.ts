/**
 * Hooks a plugin registers after perf:ready (in a perf:ready listener, during a command) fire from
 * the next event on, and report their errors with the plugin's name. Registering perf:ready or
 * config:resolved once they have fired is a listener that never runs: each gets a warning naming
 * the plugin and the hook (config:resolved in setup() as before).
 */
import { describe, expect, it } from 'vitest'
import { createPerf } from '../../src/runtime/perf.js'
import { BASE, projectWith } from '../helpers/project.js'
import { configAt } from '../helpers/position.js'
import { captureStderr } from '../helpers/stderr.js'

describe('plugin hooks registered after perf:ready', () => {
  it('fire from the next event on, errors named with the plugin; perf:ready and config:resolved registered too late warn', async () => {
    const dir = projectWith(`export default { ${BASE}, plugins: ['./plugins/late.mjs'] }`, {
      'plugins/late.mjs': `globalThis.__late = []
      export default { name: 'late', setup({ hooks }) {
        hooks.hook('perf:ready', () => {
          hooks.hook('command:after', (ctx, result) => { globalThis.__late.push('after ' + ctx.name + ' ' + result.status) })
          hooks.hook('perf:ready', () => { globalThis.__late.push('never') })
        })
        hooks.hookOnce('command:before', ctx => {
          globalThis.__late.push('before ' + ctx.name)
          hooks.hook('command:before', c => { globalThis.__late.push('added during ' + c.name) })
          hooks.hook('command:error', () => { throw new Error('late listener exploded') })
          hooks.hook('config:resolved', () => { globalThis.__late.push('never either') })
        })
      } }`,
    }, 'late-hooks-cli')
    const { text } = await captureStderr(async () => {
      const perf = await createPerf({ cwd: dir, noExitHandlers: true })
      await perf.run('one', () => {})
      await perf.run('two', () => { throw new Error('command failed') }).catch(() => {})
      await perf.close()
    })
    expect((globalThis as { __late?: string[] }).__late).toEqual(['before one', 'after one ok', 'added during two', 'after two error'])
    expect(text).toContain(`plugin 'late' (plugins[0] in ${configAt(dir, "'./plugins/late.mjs'")}) failed in hook 'command:error': late listener exploded`)
    expect(text).toContain(`plugin 'late' (plugins[0] in ${configAt(dir, "'./plugins/late.mjs'")}) registers 'perf:ready' after it fired: it will not fire again (perf is ready: run that code where it is registered)`)
    expect(text).toContain(`plugin 'late' (plugins[0] in ${configAt(dir, "'./plugins/late.mjs'")}) registers 'config:resolved' after perf:ready, after it fired: declare it in the plugin's \`hooks\` instead`)
  })
})
