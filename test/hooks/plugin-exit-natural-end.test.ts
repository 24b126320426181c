/**
 * A plugin's `exit` listener whose promise never settles (it awaits nothing that could settle it)
 * kept a CLI whose command had finished alive for UNPERF_PLUGIN_TIMEOUT (10 s): perf.close() waited
 * for it on a ref'd timer. Once the report is written, such a wait ends when the event loop has
 * nothing else to do: the CLI exits about as fast as without the plugin, its report complete, the
 * plugin named in a warning. A listener with real work in flight (an upload: a timer here) is still
 * waited for. Real child processes (the built dist), each timed against a baseline run without the plugin.
 */
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { BASE, projectWith } from '../helpers/project.js'

const dist = join(import.meta.dirname, '../../dist')
const built = existsSync(join(dist, 'index.mjs')) && existsSync(join(dist, 'citty.mjs'))

const PLUGINS = {
  'plugins/stuck.mjs': `export default { name: 'stuck', hooks: { exit: () => new Promise(() => {}) } }`,
  'plugins/stuck-report.mjs': `export default { name: 'stuck-report', hooks: { report: async () => { await new Promise(() => {}) } } }`,
  // real work in the exit hook: 600 ms, then a file written (an upload's stand-in)
  'plugins/upload.mjs': `import { writeFileSync } from 'node:fs'
    export default { name: 'upload', hooks: { exit: () => new Promise(r => setTimeout(() => { writeFileSync('uploaded', 'yes'); r() }, 600)) } }`,
  'app.mjs': `import { createPerf } from ${JSON.stringify(join(dist, 'index.mjs'))}
    const perf = await createPerf()
    await perf.run('build', () => new Promise(r => setTimeout(r, 20)))
    await perf.close()
    console.log('closed')`,
  'cli.mjs': `import { runMain } from ${JSON.stringify(join(dist, 'citty.mjs'))}
    await runMain({ meta: { name: 'cli' }, run: () => { console.log('ran') } })`,
}

function run(plugins: string[], entry: string, env: Record<string, string> = {}) {
  const dir = projectWith(`export default { ${BASE}, plugins: ${JSON.stringify(plugins)} }`, PLUGINS, 'exit-stuck-cli')
  const started = performance.now()
  const p = spawnSync(process.execPath, [entry], {
    cwd: dir, encoding: 'utf8', timeout: 60_000,
    env: { ...process.env, XDG_CACHE_HOME: join(dir, '.xdg'), NODE_PATH: join(import.meta.dirname, '../../node_modules'), UNPERF_PLUGIN_TIMEOUT: '', ...env },
  })
  const elapsed = performance.now() - started
  const report = JSON.parse(readFileSync(join(dir, '.perf', 'report.json'), 'utf8')) as { commands: Array<{ name: string; status: string }> }
  const history = readFileSync(join(dir, '.perf', 'history.jsonl'), 'utf8').trim().split('\n')
  return { code: p.status, stdout: p.stdout, stderr: p.stderr, elapsed, report, history, dir }
}

describe.runIf(built)("a plugin's exit or report listener that never settles, at the natural end", () => {
  it.each([
    ['createPerf + perf.close()', 'app.mjs', 'closed', './plugins/stuck.mjs', 'exit'],
    ['unperf/citty runMain', 'cli.mjs', 'ran', './plugins/stuck.mjs', 'exit'],
    ['createPerf + perf.close(), a report listener', 'app.mjs', 'closed', './plugins/stuck-report.mjs', 'report'],
  ])('%s: exits about as fast as without the plugin, report complete, the plugin named', (_label, entry, printed, plugin, hook) => {
    const baseline = run([], entry)
    expect(baseline.code, baseline.stderr).toBe(0)
    const stuck = run([plugin], entry)
    expect(stuck.code, stuck.stderr).toBe(0)
    expect(stuck.stdout).toContain(printed) // close() returned: the code after it ran
    // it waited the 10 s limit before; generous against a loaded machine, far below that
    expect(stuck.elapsed - baseline.elapsed).toBeLessThan(4000)
    expect(stuck.report.commands.map(c => c.name)).toEqual([entry === 'app.mjs' ? 'build' : 'cli'])
    expect(stuck.history).toHaveLength(1)
    expect(stuck.stderr).toMatch(new RegExp(`plugin '${plugin.slice(10, -4)}' \\(plugins\\[0\\] in perf\\.config\\.mjs:\\d+:\\d+\\) failed in hook '${hook}': the listener's promise was still pending when nothing else was left to run`))
  }, 90_000)

  it('a listener with work in flight (an upload) is still waited for: close() returns after it', () => {
    const r = run(['./plugins/upload.mjs'], 'app.mjs')
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toContain('closed')
    expect(readFileSync(join(r.dir, 'uploaded'), 'utf8')).toBe('yes')
    expect(r.stderr).not.toContain('upload')
  }, 60_000)

  it('the limit still applies while something else keeps the process alive', () => {
    const dir = projectWith(`export default { ${BASE}, plugins: ['./plugins/stuck.mjs'] }`, PLUGINS, 'exit-stuck-busy')
    // a host timer keeps the loop busy for 5 s: the stuck listener is given up after the 300 ms limit
    writeFileSync(join(dir, 'busy.mjs'), `import { createPerf } from ${JSON.stringify(join(dist, 'index.mjs'))}
      const perf = await createPerf()
      const keep = setTimeout(() => {}, 5000)
      await perf.run('build', () => {})
      const t = performance.now()
      await perf.close()
      console.log('closed after ' + Math.round(performance.now() - t))
      clearTimeout(keep)`)
    const p = spawnSync(process.execPath, ['busy.mjs'], { cwd: dir, encoding: 'utf8', timeout: 60_000, env: { ...process.env, XDG_CACHE_HOME: join(dir, '.xdg'), UNPERF_PLUGIN_TIMEOUT: '300' } })
    expect(p.status, p.stderr).toBe(0)
    const closedAfter = Number(/closed after (\d+)/.exec(p.stdout)?.[1])
    expect(closedAfter).toBeGreaterThanOrEqual(290)
    expect(closedAfter).toBeLessThan(4000)
    expect(p.stderr).toContain("failed in hook 'exit': the listener did not finish within 300 ms")
  }, 60_000)
})
