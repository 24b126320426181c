/**
 * removeHook through a plugin's hooks behaves as perf.hooks.removeHook: one registration a call,
 * the oldest. A function registered twice was removed only once however often removeHook was
 * called (the second wrapper stayed for good); a hookOnce that had fired, or a registration undone
 * by its unregister function, no longer takes a removeHook meant for a later one.
 */
import { expect, it } from 'vitest'
import { createPerf } from '../../src/runtime/perf.js'
import { BASE, projectWith } from '../helpers/project.js'

it("a plugin's removeHook removes each registration of a function, and skips those already gone", async () => {
  const dir = projectWith(`export default { ${BASE}, plugins: ['./plugins/p.mjs'] }`, {
    'plugins/p.mjs': `globalThis.__calls = { twice: 0, after: 0, undone: 0 }
    export default { name: 'p', setup({ hooks }) {
      const twice = () => { globalThis.__calls.twice++ }
      hooks.hook('command:before', twice)
      hooks.hook('command:before', twice)
      hooks.removeHook('command:before', twice)
      hooks.removeHook('command:before', twice)

      const after = () => { globalThis.__calls.after++ }
      hooks.hookOnce('command:after', after)
      hooks.hook('perf:ready', () => {
        hooks.hook('command:before', () => {
          if (globalThis.__calls.after === 1 && !globalThis.__registered) {
            globalThis.__registered = true
            hooks.hook('command:after', after)        // after the hookOnce above fired
            hooks.removeHook('command:after', after)  // removes this one
          }
        })
      })

      const undone = () => { globalThis.__calls.undone++ }
      const off = hooks.hook('command:error', undone)
      hooks.hook('command:error', undone)
      off()
      hooks.removeHook('command:error', undone)       // the second registration
    } }`,
  }, 'remove-hook-cli')
  const perf = await createPerf({ cwd: dir, noExitHandlers: true })
  await perf.run('one', () => {})
  await perf.run('two', () => {})
  await perf.run('three', () => { throw new Error('x') }).catch(() => {})
  await perf.close()
  expect((globalThis as { __calls?: Record<string, number> }).__calls).toEqual({ twice: 0, after: 1, undone: 0 })
})
