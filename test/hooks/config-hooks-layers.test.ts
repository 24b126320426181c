/**
 * The config's `hooks` across layers: a preset (`extends`), the config file, its env block and
 * `createPerf({ overrides })` may each listen to one hook. Merged as any other key, the layer closest
 * to the project replaced the others' listener: a preset's `command:after` (its telemetry) was
 * dropped, silently, once the project listened to `command:after` too. Every layer's listener now
 * runs, the preset's first, as plugins concatenate (and as nuxt registers its layers' hooks), on a
 * cold start and from the config snapshot alike (a function two layers list runs for each), and a
 * listener that throws does not keep the next from running.
 */
import { describe, expect, it } from 'vitest'
import { createPerf } from '../../src/runtime/perf.js'
import { BASE, projectWith } from '../helpers/project.js'
import { captureStderr } from '../helpers/stderr.js'

describe("the config's hooks across layers", () => {
  it('the preset, the project, its env block and overrides: each listener runs, in that order, cold and warm', async () => {
    const dir = projectWith(`import shared from './shared.mjs'
export default {
  extends: ['./preset'], ${BASE},
  hooks: { 'command:after': () => { globalThis.__calls.push('project after') }, 'command:before': shared },
  $env: { ci: { hooks: { 'command:after': () => { globalThis.__calls.push('ci after') } } } },
}`, {
      'shared.mjs': `export default () => { globalThis.__calls.push('shared before') }\n`,
      'preset/perf.config.mjs': `import shared from '../shared.mjs'
export default { hooks: {
  'command:after': () => { globalThis.__calls.push('preset after'); throw new Error('preset boom') },
  'command:before': shared,
  exit: () => { globalThis.__calls.push('preset exit') },
} }\n`,
    }, 'config-hooks-layers-cli')
    for (const start of ['cold', 'warm']) {
      const calls: string[] = []
      ;(globalThis as { __calls?: string[] }).__calls = calls
      const { text } = await captureStderr(async () => {
        const perf = await createPerf({ cwd: dir, env: 'ci', noExitHandlers: true, overrides: { hooks: { 'command:after': () => { calls.push('overrides after') } } } })
        await perf.run('one', () => { calls.push('run') })
        await perf.close()
      })
      expect(calls, start).toEqual(['shared before', 'shared before', 'run', 'preset after', 'project after', 'ci after', 'overrides after', 'preset exit'])
      expect(text).toContain("a 'command:after' hook listener threw: preset boom")
    }
  })
})
