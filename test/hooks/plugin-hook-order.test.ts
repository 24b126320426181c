/**
 * Listeners run in the order of `plugins`, whenever and however each plugin registered them: the
 * host's config hooks first, then each plugin's in the order listed, then the host's listeners added
 * at run time. Before, every plugin's `hooks` object was registered before any setup() ran, so a
 * plugin listed second that declared its listener in `hooks` saw each event before the first
 * plugin's listener registered in setup(): the first could not prepare `ctx.data` for the second.
 */
import { expect, it } from 'vitest'
import { createPerf } from '../../src/runtime/perf.js'
import { BASE, projectWith } from '../helpers/project.js'

it('listeners run config hooks first, then plugin by plugin in the order of `plugins`, then the host’s run-time ones', async () => {
  const dir = projectWith(`globalThis.__order = []
    export default { ${BASE}, hooks: { 'command:before': () => { globalThis.__order.push('config') } },
    plugins: ['./plugins/first.mjs', './plugins/second.mjs'] }`, {
    'plugins/first.mjs': `export default { name: 'first', setup({ hooks }) {
      hooks.hook('command:before', ctx => { ctx.data.token = 'set by first'; globalThis.__order.push('first (setup)') })
      hooks.hookOnce('command:before', () => {
        // registered during the first command: still before the plugins after it
        hooks.hook('command:before', () => { globalThis.__order.push('first (added during a command)') })
      })
    } }`,
    'plugins/second.mjs': `export default { name: 'second', hooks: {
      'command:before': ctx => { globalThis.__order.push('second (hooks object) sees ' + ctx.data.token) },
    } }`,
  }, 'plugin-hook-order-cli')
  const perf = await createPerf({ cwd: dir, noExitHandlers: true })
  perf.hooks.hook('command:before', () => { (globalThis as { __order?: string[] }).__order!.push('host (run time)') })
  await perf.run('one', () => {})
  const order = (globalThis as { __order?: string[] }).__order!
  expect(order.splice(0)).toEqual(['config', 'first (setup)', 'second (hooks object) sees set by first', 'host (run time)'])
  await perf.run('two', () => {})
  await perf.close()
  expect(order).toEqual(['config', 'first (setup)', 'first (added during a command)', 'second (hooks object) sees set by first', 'host (run time)'])
})
