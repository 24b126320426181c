/**
 * A plugin's listener of a hook the host waits for (command:before, command:after, exit, ...) that
 * never settles (a request to a server that never answers) held the host command, or its close,
 * for ever: only setup() had a time limit. Past UNPERF_PLUGIN_TIMEOUT (default 10 s) such a listener
 * is now reported with the plugin's name, the listeners after it and the command run; a rejection
 * after that is reported too. A listener that settles within the limit is still awaited in full.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { createPerf } from '../../src/runtime/perf.js'
import { BASE, projectWith } from '../helpers/project.js'
import { configAt } from '../helpers/position.js'
import { captureStderr } from '../helpers/stderr.js'

const PLUGINS = {
  'plugins/stuck.mjs': `export default { name: 'stuck', hooks: {
    'command:before': () => new Promise(() => {}),
    exit: async () => { await new Promise(() => {}) },
  } }`,
  'plugins/next.mjs': `export default { name: 'next', hooks: {
    'command:before': ctx => { ctx.data.next = true },
    exit: () => { globalThis.__nextExit = true },
  } }`,
  'plugins/late.mjs': `export default { name: 'late', setup({ hooks }) {
    hooks.hook('command:after', () => new Promise((_, reject) => setTimeout(() => reject(new Error('late failure')), 400)))
  } }`,
  'plugins/slow.mjs': `export default { name: 'slow', hooks: {
    'command:before': async ctx => { await new Promise(r => setTimeout(r, 150)); ctx.data.slow = 'done' },
  } }`,
}

describe("a plugin's listener of an awaited hook", () => {
  afterEach(() => {
    delete process.env.UNPERF_PLUGIN_TIMEOUT
    delete (globalThis as { __nextExit?: boolean }).__nextExit
  })

  it('that never settles is reported after the limit; the listeners after it, the command and close() go on', async () => {
    process.env.UNPERF_PLUGIN_TIMEOUT = '300'
    const dir = projectWith(`export default { ${BASE}, plugins: ['./plugins/stuck.mjs', './plugins/next.mjs'] }`, PLUGINS, 'hook-timeout-cli')
    const { text, value } = await captureStderr(async () => {
      const perf = await createPerf({ cwd: dir, noExitHandlers: true })
      const started = performance.now()
      const data = await perf.run('cmd', ctx => ({ ...ctx.data }))
      const ran = performance.now() - started
      const closing = performance.now()
      const report = await perf.close()
      return { data, ran, closed: performance.now() - closing, warnings: (report.warnings ?? []).map(w => w.message) }
    })
    expect(value.data).toEqual({ next: true })
    expect(value.ran).toBeGreaterThanOrEqual(290)
    expect(value.ran).toBeLessThan(5000)
    expect(value.closed).toBeGreaterThanOrEqual(290)
    expect(value.closed).toBeLessThan(5000)
    expect((globalThis as { __nextExit?: boolean }).__nextExit).toBe(true)
    const listed = `plugins[0] in ${configAt(dir, "'./plugins/stuck.mjs'")}`
    const message = (hook: string) => `plugin 'stuck' (${listed}) failed in hook '${hook}': the listener did not finish within 300 ms: unperf goes on without waiting for it (UNPERF_PLUGIN_TIMEOUT=<ms> waits longer, 0 for ever)`
    expect(text).toContain(message('command:before'))
    expect(text).toContain(message('exit'))
    expect(value.warnings).toContain(message('command:before'))
  })

  it('that rejects after the limit is reported with its error, not left as an unhandled rejection', async () => {
    process.env.UNPERF_PLUGIN_TIMEOUT = '100'
    const dir = projectWith(`export default { ${BASE}, plugins: ['./plugins/late.mjs'] }`, PLUGINS, 'hook-late-cli')
    const unhandled: unknown[] = []
    const onUnhandled = (reason: unknown) => { unhandled.push(reason) }
    process.on('unhandledRejection', onUnhandled)
    try {
      const { text } = await captureStderr(async () => {
        const perf = await createPerf({ cwd: dir, noExitHandlers: true })
        await perf.run('cmd', () => 1)
        await new Promise(resolve => setTimeout(resolve, 600))
        await perf.close()
      })
      const listed = `plugins[0] in ${configAt(dir, "'./plugins/late.mjs'")}`
      expect(text).toContain(`plugin 'late' (${listed}) failed in hook 'command:after': the listener did not finish within 100 ms`)
      expect(text).toContain(`plugin 'late' (${listed}) failed in hook 'command:after' (past its time limit): late failure`)
      expect(unhandled).toEqual([])
    } finally {
      process.off('unhandledRejection', onUnhandled)
    }
  })

  it('that settles within the limit is awaited in full, before the command starts', async () => {
    process.env.UNPERF_PLUGIN_TIMEOUT = '5000'
    const dir = projectWith(`export default { ${BASE}, plugins: ['./plugins/slow.mjs', './plugins/next.mjs'] }`, PLUGINS, 'hook-slow-cli')
    const { text, value } = await captureStderr(async () => {
      const perf = await createPerf({ cwd: dir, noExitHandlers: true })
      const data = await perf.run('cmd', ctx => ({ ...ctx.data }))
      await perf.close()
      return data
    })
    expect(value).toEqual({ slow: 'done', next: true })
    expect(text).not.toContain('did not finish')
  })
})
