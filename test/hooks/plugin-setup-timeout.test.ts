/**
 * A plugin's async setup() that never settles (a request that never answers) no longer holds the
 * host CLI for ever: past UNPERF_PLUGIN_TIMEOUT (default 10 s) it is reported with the plugin's name,
 * the next plugins are set up and the command runs; a rejection after that is reported too.
 */
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { getPerf } from '../../src/runtime/current.js'
import { createPerf } from '../../src/runtime/perf.js'
import { BASE, projectWith } from '../helpers/project.js'
import { configAt } from '../helpers/position.js'
import { captureStderr } from '../helpers/stderr.js'

const dist = join(import.meta.dirname, '../../dist')
const built = existsSync(join(dist, 'index.mjs'))

const PLUGINS = {
  'plugins/stuck.mjs': `export default { name: 'stuck', setup: () => new Promise(() => {}) }`,
  'plugins/late.mjs': `export default { name: 'late', setup: () => new Promise((_, reject) => setTimeout(() => reject(new Error('late failure')), 400)) }`,
  'plugins/slowish.mjs': `export default { name: 'slowish', setup: () => new Promise(resolve => setTimeout(resolve, 150)) }`,
  'plugins/next.mjs': `export default { name: 'next', setup({ hooks }) {
    globalThis.__nextSetUp = true
    hooks.hook('command:before', ctx => { ctx.data.next = true })
  } }`,
}

describe('plugin setup time limit', () => {
  afterEach(() => { delete process.env.UNPERF_PLUGIN_TIMEOUT })

  it('a setup() that never settles is reported after the limit; the plugins after it and the command run', async () => {
    process.env.UNPERF_PLUGIN_TIMEOUT = '300'
    const dir = projectWith(`export default { ${BASE}, plugins: ['./plugins/stuck.mjs', './plugins/next.mjs'] }`, PLUGINS, 'setup-timeout-cli')
    const started = performance.now()
    const { text, value } = await captureStderr(async () => {
      const perf = await createPerf({ cwd: dir, noExitHandlers: true })
      const waited = performance.now() - started
      const data = await perf.run('cmd', ctx => ctx.data)
      await perf.close()
      return { waited, data }
    })
    expect(value.waited).toBeGreaterThanOrEqual(300)
    expect(value.waited).toBeLessThan(5000)
    expect(text).toContain(`plugin 'stuck' (plugins[0] in ${configAt(dir, "'./plugins/stuck.mjs'")}) failed in setup: setup() did not finish within 300 ms: the command goes on without waiting for it (UNPERF_PLUGIN_TIMEOUT=<ms> waits longer, 0 for ever)`)
    expect((globalThis as { __nextSetUp?: boolean }).__nextSetUp).toBe(true)
    expect(value.data).toEqual({ next: true })
  })

  it('a setup() that rejects after the limit is reported with its error, not left as an unhandled rejection', async () => {
    process.env.UNPERF_PLUGIN_TIMEOUT = '100'
    const dir = projectWith(`export default { ${BASE}, plugins: ['./plugins/late.mjs'] }`, PLUGINS, 'setup-late-cli')
    const unhandled: unknown[] = []
    const onUnhandled = (reason: unknown) => { unhandled.push(reason) }
    process.on('unhandledRejection', onUnhandled)
    try {
      const { text } = await captureStderr(async () => {
        const perf = await createPerf({ cwd: dir, noExitHandlers: true })
        await perf.run('cmd', () => new Promise(resolve => setTimeout(resolve, 600)))
        await perf.close()
      })
      expect(text).toContain(`plugin 'late' (plugins[0] in ${configAt(dir, "'./plugins/late.mjs'")}) failed in setup: setup() did not finish within 100 ms`)
      expect(text).toContain(`plugin 'late' (plugins[0] in ${configAt(dir, "'./plugins/late.mjs'")}) failed in setup (past its time limit): late failure`)
      expect(unhandled).toEqual([])
    } finally {
      process.off('unhandledRejection', onUnhandled)
    }
  })

  it('each setup() has the whole limit from its own start (one timer re-armed for each): three of 60 % of it each, none reported', async () => {
    process.env.UNPERF_PLUGIN_TIMEOUT = '300'
    const files: Record<string, string> = {}
    for (const n of ['a', 'b', 'c']) files[`plugins/${n}.mjs`] = `export default { name: '${n}', setup: () => new Promise(resolve => setTimeout(resolve, 180)) }`
    const dir = projectWith(`export default { ${BASE}, plugins: ['./plugins/a.mjs', './plugins/b.mjs', './plugins/c.mjs'] }`, files, 'setup-each-limit-cli')
    const { text } = await captureStderr(async () => {
      const perf = await createPerf({ cwd: dir, noExitHandlers: true })
      await perf.close()
    })
    expect(text).not.toContain('did not finish')
  })

  it('two setups that never settle, one after the other: each reported after its own limit (the timer armed again once it fired)', async () => {
    process.env.UNPERF_PLUGIN_TIMEOUT = '200'
    const dir = projectWith(`export default { ${BASE}, plugins: ['./plugins/stuck.mjs', './plugins/stuck2.mjs', './plugins/next.mjs'] }`, {
      ...PLUGINS,
      'plugins/stuck2.mjs': `export default { name: 'stuck2', setup: () => new Promise(() => {}) }`,
    }, 'setup-two-stuck-cli')
    const started = performance.now()
    const { text, value } = await captureStderr(async () => {
      const perf = await createPerf({ cwd: dir, noExitHandlers: true })
      const waited = performance.now() - started
      await perf.close()
      return waited
    })
    expect(value).toBeGreaterThanOrEqual(400)
    expect(value).toBeLessThan(5000)
    expect(text).toContain("plugin 'stuck' (")
    expect(text).toContain("plugin 'stuck2' (")
    expect(text.match(/setup\(\) did not finish within 200 ms/g)).toHaveLength(2)
  })

  it.runIf(built)('once the setups are done their timer is gone: a real process exits at once, not when a 30 s limit would have ended', () => {
    const dir = projectWith(`export default { ${BASE}, plugins: ['./plugins/slowish.mjs', './plugins/next.mjs'] }`, {
      ...PLUGINS,
      'app.mjs': `import { createPerf } from ${JSON.stringify(join(dist, 'index.mjs'))}
        const perf = await createPerf()
        await perf.close()
        console.log('closed')`,
    }, 'setup-no-timer-cli')
    const started = performance.now()
    const p = spawnSync(process.execPath, ['app.mjs'], { cwd: dir, encoding: 'utf8', timeout: 60_000, env: { ...process.env, XDG_CACHE_HOME: join(dir, '.xdg'), UNPERF_PLUGIN_TIMEOUT: '30000' } })
    expect(p.status, p.stderr).toBe(0)
    expect(p.stdout).toContain('closed')
    expect(performance.now() - started).toBeLessThan(15_000)
  })

  it('a value that is not a number of ms is named in a warning and the default applies', async () => {
    process.env.UNPERF_PLUGIN_TIMEOUT = '5s'
    const dir = projectWith(`export default { ${BASE}, plugins: ['./plugins/next.mjs'] }`, PLUGINS, 'setup-env-cli')
    const { text } = await captureStderr(async () => {
      const perf = await createPerf({ cwd: dir, noExitHandlers: true })
      await perf.close()
    })
    expect(text).toContain("UNPERF_PLUGIN_TIMEOUT='5s' is not a number of milliseconds (0 waits for ever); using 10000")
  })
})

describe('a setup() running past its time limit', () => {
  afterEach(() => { delete process.env.UNPERF_PLUGIN_TIMEOUT })

  it("registers for its plugin after the limit too (its perf, getPerf()), during the next plugin's setup and during the command; perf.run() stays refused", async () => {
    process.env.UNPERF_PLUGIN_TIMEOUT = '300'
    ;(globalThis as { __getPerf?: typeof getPerf }).__getPerf = getPerf
    const g = globalThis as { __overdue?: { running?: boolean; run?: string } }
    g.__overdue = {}
    const dir = projectWith(`export default { ${BASE}, plugins: ['./plugins/slow.mjs', './plugins/next.mjs', './plugins/other.mjs'] }`, {
      'plugins/slow.mjs': `const sleep = ms => new Promise(r => setTimeout(r, ms))
      const until = async test => { while (!test()) await sleep(5) }
      export default { name: 'slow', async setup({ perf }) {
        await until(() => globalThis.__overdue.nextStarted)
        perf.hooks.hook('command:after', () => { throw new Error('registered during the next setup') })
        await until(() => globalThis.__overdue.running)
        globalThis.__getPerf().hooks.hook('report', () => { throw new Error('registered during the command') })
        globalThis.__getPerf().hooks.hook('cache:set', e => { if (e.namespace === 'plugin:other') throw new Error('heard plugin:other') })
        globalThis.__overdue.run = await perf.run('x', () => {}).then(() => 'allowed', e => e.code)
      } }`,
      'plugins/next.mjs': `export default { name: 'next', async setup() {
        globalThis.__overdue.nextStarted = true
        await new Promise(r => setTimeout(r, 200))
      } }`,
      'plugins/other.mjs': `export default { name: 'other', setup({ hooks, cache }) {
        hooks.hook('command:after', () => cache.set('secret', 1))
      } }`,
    }, 'setup-overdue-cli')
    const { text } = await captureStderr(async () => {
      const perf = await createPerf({ cwd: dir, noExitHandlers: true })
      perf.hooks.hook('command:before', () => { throw new Error('the host registered this') })
      await perf.run('go', async () => {
        g.__overdue!.running = true
        while (g.__overdue!.run === undefined) await new Promise(r => setTimeout(r, 5))
      })
      await perf.close()
    })
    expect(text).toContain(`plugin 'slow' (plugins[0] in ${configAt(dir, "'./plugins/slow.mjs'")}) failed in setup: setup() did not finish within 300 ms`)
    expect(text).toContain(`plugin 'slow' (plugins[0] in ${configAt(dir, "'./plugins/slow.mjs'")}) failed in hook 'command:after': registered during the next setup`)
    expect(text).toContain(`plugin 'slow' (plugins[0] in ${configAt(dir, "'./plugins/slow.mjs'")}) failed in hook 'report': registered during the command`)
    expect(text).toContain("a 'command:before' hook listener threw: the host registered this")
    expect(text).not.toContain('heard plugin:other')
    expect(text).not.toContain("plugin 'next'")
    expect(g.__overdue.run).toBe('E_PLUGIN_LIFECYCLE')
  })

  it("a limit past a timer's (UNPERF_PLUGIN_TIMEOUT=99999999999: fired after 1 ms) waits as long as a timer can", async () => {
    process.env.UNPERF_PLUGIN_TIMEOUT = '99999999999'
    const dir = projectWith(`export default { ${BASE}, plugins: ['./plugins/slowish.mjs'] }`, PLUGINS, 'setup-long-limit-cli')
    const overflow: string[] = []
    const onWarning = (w: Error) => { if (w.name === 'TimeoutOverflowWarning') overflow.push(w.message) }
    process.on('warning', onWarning)
    try {
      const { text } = await captureStderr(async () => {
        const perf = await createPerf({ cwd: dir, noExitHandlers: true })
        await perf.run('cmd', () => 1)
        await perf.close()
      })
      expect(text).not.toContain('did not finish')
      expect(overflow).toEqual([])
    } finally {
      process.off('warning', onWarning)
    }
  })
})
