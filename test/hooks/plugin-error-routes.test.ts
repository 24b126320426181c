/**
 * A listener a plugin registers reports its error with the plugin's name whatever route it took:
 * `perf.hooks` in setup() (before and after an await), the `perf` a perf:ready listener gets,
 * `ctx.perf.hooks` and `getPerf().hooks` from the plugin's own listener. Before, every route but
 * the plugin's `hooks` was reported as the host's (`a 'command:after' hook listener threw`). The
 * host's own listener, registered from the host's code, still reads as the host's.
 */
import { describe, expect, it } from 'vitest'
import { getPerf } from '../../src/runtime/current.js'
import { createPerf } from '../../src/runtime/perf.js'
import { BASE, projectWith } from '../helpers/project.js'
import { configAt } from '../helpers/position.js'
import { captureStderr } from '../helpers/stderr.js'

describe("a plugin listener's error", () => {
  it('names the plugin by every route it was registered', async () => {
    // the plugin's `import { getPerf } from 'unperf'` (this test runs the sources, which a .mjs file cannot import)
    ;(globalThis as { __getPerf?: typeof getPerf }).__getPerf = getPerf
    const dir = projectWith(`export default { ${BASE}, plugins: ['./plugins/p.mjs'] }`, {
      'plugins/p.mjs': `const getPerf = globalThis.__getPerf
      const boom = route => () => { throw new Error('boom via ' + route) }
      export default { name: 'p', hooks: {
        'perf:ready': perf => { perf.hooks.hook('command:error', boom('perf:ready perf')) },
        'command:before': ctx => {
          ctx.perf.hooks.hookOnce('task:start', boom('ctx.perf'))
          getPerf().hooks.hook('task:end', boom('getPerf()'))
        },
      }, async setup({ perf }) {
        perf.hooks.hook('command:after', boom('perf.hooks in setup'))
        await new Promise(r => setTimeout(r, 5))
        perf.hooks.hook('report', boom('perf.hooks after an await'))
      } }`,
    }, 'plugin-error-routes-cli')
    const { text } = await captureStderr(async () => {
      const perf = await createPerf({ cwd: dir, noExitHandlers: true })
      perf.hooks.hook('exit', () => { throw new Error('the host listener') })
      await perf.run('go', async () => { await perf.pool().run(() => 1) }).catch(() => {})
      await perf.run('fail', () => { throw new Error('command failed') }).catch(() => {})
      await perf.close()
    })
    expect(text).toContain(`plugin 'p' (plugins[0] in ${configAt(dir, "'./plugins/p.mjs'")}) failed in hook 'command:after': boom via perf.hooks in setup`)
    expect(text).toContain(`plugin 'p' (plugins[0] in ${configAt(dir, "'./plugins/p.mjs'")}) failed in hook 'report': boom via perf.hooks after an await`)
    expect(text).toContain(`plugin 'p' (plugins[0] in ${configAt(dir, "'./plugins/p.mjs'")}) failed in hook 'command:error': boom via perf:ready perf`)
    expect(text).toContain(`plugin 'p' (plugins[0] in ${configAt(dir, "'./plugins/p.mjs'")}) failed in hook 'task:start': boom via ctx.perf`)
    expect(text).toContain(`plugin 'p' (plugins[0] in ${configAt(dir, "'./plugins/p.mjs'")}) failed in hook 'task:end': boom via getPerf()`)
    expect(text).toContain("a 'exit' hook listener threw: the host listener")
    expect(text).not.toMatch(/a '(command:after|report|command:error|task:start|task:end)' hook listener threw/)
  })
})
