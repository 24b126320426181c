/**
 * A cache or report dir that cannot be written: a read-only file system (a container's read-only
 * root), a dir of another user's, /sys. The warnings said Node's `ENOENT: no such file or
 * directory, mkdir '…'` (its recursive mkdir reports a read-only fs so), one per failing writer, on
 * every run. Now one warning naming the dir, the cause and what to do; the command's output and exit
 * code are untouched. A real read-only tmpfs (needs root, as CI runs; elsewhere those cases say so
 * and skip), a real unprivileged child (setpriv), and /sys (no new dirs there for anyone).
 */
import { spawnSync } from 'node:child_process'
import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { formatHistoryLine, type TestRunEntry } from '../../src/vitest/history-lines.js'
import { tempDir } from '../helpers/tmp.js'
import { mountTmpfs } from '../helpers/tmpfs.js'
import { bin } from '../helpers/unperf-cli.js'
import { bundle, runVitest, tempProject } from '../vitest/_project.js'

const dist = join(import.meta.dirname, '../../dist/index.mjs')
const root = typeof process.getuid === 'function' && process.getuid() === 0

const ro = mountTmpfs('64k', { readOnly: true })
if (!ro) console.warn('\n[unperf tests] cannot mount a read-only tmpfs (needs root): the read-only file system cases are SKIPPED\n')
const setpriv = root && spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', 'true']).status === 0

/** A host CLI `ro-cli` whose command caches a value and prints it, then exits with EXIT (via process.exit) or closes perf. */
function project(config: string): string {
  const dir = tempDir('unperf-ro-cli-')
  chmodSync(dir, 0o755) // readable by the unprivileged child
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'ro-cli', version: '1.0.0', type: 'module' }))
  writeFileSync(join(dir, 'perf.config.mjs'), `export default ${config}`)
  writeFileSync(join(dir, 'app.mjs'), `
    import { createPerf } from ${JSON.stringify(dist)}
    const perf = await createPerf()
    const value = await perf.run('build', () => perf.cache.wrap('k', async () => 42))
    await perf.cache.namespace('templates').set('t', 1)
    console.log('result', value)
    if (process.env.EXIT) process.exit(Number(process.env.EXIT))
    await perf.close()`)
  return dir
}

function run(cwd: string, env: Record<string, string>, as?: 'nobody', timeout = 60_000) {
  const argv = [process.execPath, 'app.mjs']
  const [cmd, ...args] = as ? ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', ...argv] : argv
  const r = spawnSync(cmd!, args, { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', HOME: cwd, ...env }, timeout })
  const warnings = r.stderr.split('\n').filter(l => l.startsWith('[unperf]'))
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, warnings }
}

function cli(cwd: string, env: Record<string, string>, ...args: string[]) {
  return cliWithin(60_000, cwd, env, ...args)
}

/** cli() killed after `timeout` ms (`signal` then says so). */
function cliWithin(timeout: number, cwd: string, env: Record<string, string>, ...args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', ...env }, timeout })
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, signal: r.signal }
}

const quiet = "report: { console: false }"

describe.skipIf(!ro)('a read-only file system', () => {
  it('cache and report under it (XDG_CACHE_HOME): one warning naming both dirs and the cause; output and exit code untouched', () => {
    const dir = project(`{ cache: { driver: ['memory', 'fs'] }, ${quiet} }`)
    const xdg = join(ro!, 'xdg')
    for (const exit of ['', '3']) {
      const r = run(dir, { XDG_CACHE_HOME: xdg, EXIT: exit })
      expect(r.status, r.stderr).toBe(exit ? 3 : 0)
      expect(r.stdout).toBe('result 42\n')
      expect(r.warnings, r.stderr).toHaveLength(1)
      expect(r.warnings[0]).toMatch(new RegExp(`^\\[unperf\\] warn ${ro} is on a read-only file system: the fs cache \\(${xdg}/ro-cli\\) and the report \\(${xdg}/ro-cli/reports/[0-9a-f]+\\) cannot be written; the command goes on without them \\(point XDG_CACHE_HOME, or cache.dir and report.dir, at a writable dir`))
      expect(r.stderr).not.toContain('ENOENT')
    }
  })

  it('only the cache dir on it: one warning for the cache (every namespace), the report written', () => {
    const dir = project(`{ cache: { driver: ['memory', 'fs'], dir: ${JSON.stringify(join(ro!, 'cache'))} }, report: { console: false, dir: '.perf' } }`)
    const r = run(dir, { XDG_CACHE_HOME: join(dir, '.xdg') })
    expect(r.status, r.stderr).toBe(0)
    expect(r.stdout).toBe('result 42\n')
    expect(r.warnings, r.stderr).toEqual([expect.stringMatching(new RegExp(`^\\[unperf\\] warn the fs cache tier cannot be written: cannot write to ${ro}/cache/s_[^/]+/n-default: ${ro} is on a read-only file system; the command goes on without it \\(point cache.dir or XDG_CACHE_HOME at a writable dir, or turn the cache off: UNPERF_CACHE=0\\)$`))])
    expect(existsSync(join(dir, '.perf/report.json'))).toBe(true)
  })

  it('only the report dir on it: one warning for the report, naming it', () => {
    const dir = project(`{ cache: { driver: 'memory' }, report: { console: false, dir: ${JSON.stringify(join(ro!, 'reports'))} } }`)
    const r = run(dir, { XDG_CACHE_HOME: join(dir, '.xdg') })
    expect(r.status, r.stderr).toBe(0)
    expect(r.warnings, r.stderr).toEqual([`[unperf] warn the report and run history are not written: cannot write to ${ro}/reports: ${ro} is on a read-only file system (point report.dir, or XDG_CACHE_HOME for the default one, at a writable dir)`])
  })

  it('unperf doctor and unperf tests merge say it too (their exit codes as before: 1)', () => {
    const dir = project(`{ ${quiet} }`)
    const doctor = cli(dir, { XDG_CACHE_HOME: join(ro!, 'xdg') }, 'doctor', '--json')
    expect(doctor.code).toBe(1)
    expect(JSON.parse(doctor.stdout).checks).toContainEqual(expect.objectContaining({ check: 'cache dir', ok: false, detail: `${ro}/xdg/ro-cli: cannot be written: ${ro} is on a read-only file system` }))
    const entry: TestRunEntry = { v: 1, id: 'run-1', startedAt: 1000, endedAt: 1500, duration: 500, result: 'passed', files: [] }
    writeFileSync(join(dir, 'tests.jsonl'), formatHistoryLine(entry))
    const merge = cli(dir, { XDG_CACHE_HOME: join(dir, '.xdg') }, 'tests', 'merge', '--dir', join(ro!, 'history'), 'tests.jsonl')
    expect(merge.code).toBe(1)
    expect(merge.stderr.trim()).toBe(`[unperf] cannot write to ${ro}/history: ${ro} is on a read-only file system`)
  })
})

describe.skipIf(!ro)('the vitest reporter on a read-only file system', () => {
  it('the test history dir on it: the run passes, one warning naming the dir and the cause', async () => {
    const dir = tempProject({
      'test/one.test.js': `import { expect, it } from 'vitest'\nit('works', () => { expect(1).toBe(1) })\n`,
      'vitest.config.mjs': `import { join } from 'node:path'
export default { test: { include: ['test/**/*.test.js'], reporters: ['default', [join(import.meta.dirname, 'reporter.mjs'), { dir: ${JSON.stringify(join(ro!, 'history'))} }]] } }
`,
    })
    await bundle(join(dir, 'reporter.mjs'), { file: 'src/vitest/index.ts' })
    const r = runVitest(dir, 'vitest.config.mjs', { XDG_CACHE_HOME: join(dir, '.xdg') })
    expect(r.status, r.stderr).toBe(0)
    expect(r.stderr.split('\n').filter(l => l.includes('[unperf]'))).toEqual([`[unperf] vitest reporter: could not record the test run (cannot write to ${ro}/history: ${ro} is on a read-only file system)`])
  }, 120_000)
})

describe.skipIf(!setpriv)('a dir this user may not write to (an unprivileged child)', () => {
  it('cache and report under a dir of root\'s: one warning, "permission denied" naming that dir and the uid', () => {
    const dir = project(`{ cache: { driver: ['memory', 'fs'] }, ${quiet} }`)
    const theirs = join(tempDir('unperf-ro-theirs-'), 'root-only')
    mkdirSync(theirs, { mode: 0o755 })
    chmodSync(join(theirs, '..'), 0o755)
    const r = run(dir, { XDG_CACHE_HOME: join(theirs, 'xdg') }, 'nobody')
    expect(r.status, r.stderr).toBe(0)
    expect(r.stdout).toBe('result 42\n')
    expect(r.warnings, r.stderr).toHaveLength(1)
    expect(r.warnings[0]).toMatch(new RegExp(`^\\[unperf\\] warn permission denied: ${theirs} is not writable by this user \\(uid 65534\\): the fs cache \\(${theirs}/xdg/ro-cli\\) and the report \\(.*\\) cannot be written`))
  })
})

// /sys takes no new dirs, for root too (EPERM)
describe.runIf(process.platform === 'linux' && existsSync('/sys/kernel'))('/sys', () => {
  it('XDG_CACHE_HOME under /sys: one warning saying /sys refused it, no ENOENT; output and exit code untouched', () => {
    const dir = project(`{ cache: { driver: ['memory', 'fs'] }, ${quiet} }`)
    const r = run(dir, { XDG_CACHE_HOME: '/sys/unperf-no-such-dir' })
    expect(r.status, r.stderr).toBe(0)
    expect(r.stdout).toBe('result 42\n')
    expect(r.warnings, r.stderr).toHaveLength(1)
    expect(r.warnings[0]).toMatch(/^\[unperf\] warn (\/sys refused it \(operation not permitted\)|permission denied: \/sys is not writable by this user|\/sys is on a read-only file system): the fs cache \(\/sys\/unperf-no-such-dir\/ro-cli\) and the report/)
    expect(r.stderr).not.toContain('ENOENT')
  })
})

// /proc answers a new dir with ENOENT although /proc is there: Node 20's recursive mkdir looped for
// ever on it (ENOENT, make the parent, EEXIST, again), so every run of a host CLI hung at 100 % CPU
// (the cache dir, the report dir, the code cache at exit, ...). Now each dir is made a component at
// a time (src/runtime/make-dir.ts): the run ends, and says /proc refused it.
const procRefused = '(\\/proc refused it \\(no new directories can be made there\\)|permission denied: \\/proc is not writable by this user[^:]*)'
describe.runIf(process.platform === 'linux' && existsSync('/proc/self'))('/proc', () => {
  it('XDG_CACHE_HOME under /proc: the run ends at once with one warning saying /proc refused it; output and exit code untouched', () => {
    const dir = project(`{ cache: { driver: ['memory', 'fs'] }, ${quiet} }`)
    for (const exit of ['', '3']) {
      const r = run(dir, { XDG_CACHE_HOME: '/proc/unperf-no-such-dir', EXIT: exit }, undefined, 20_000)
      expect(r.status, `hung? ${r.stderr}`).toBe(exit ? 3 : 0)
      expect(r.stdout).toBe('result 42\n')
      expect(r.warnings, r.stderr).toHaveLength(1)
      expect(r.warnings[0]).toMatch(new RegExp(`^\\[unperf\\] warn ${procRefused}: the fs cache \\(/proc/unperf-no-such-dir/ro-cli\\) and the report`))
      expect(r.stderr).not.toContain('ENOENT')
    }
  }, 60_000)

  it('a cache dir, report dir and test history under /proc: unperf doctor, tests merge and report --html end and say /proc refused it', () => {
    const dir = project(`{ ${quiet} }`)
    const env = { XDG_CACHE_HOME: '/proc/unperf-no-such-dir' }
    const doctor = cliWithin(20_000, dir, env, 'doctor', '--json')
    expect(doctor.signal, 'doctor hung').toBeNull()
    expect(doctor.code).toBe(1)
    expect(JSON.parse(doctor.stdout).checks).toContainEqual(expect.objectContaining({ check: 'cache dir', ok: false, detail: expect.stringMatching(new RegExp(`^/proc/unperf-no-such-dir/ro-cli: cannot be written: ${procRefused}$`)) }))
    const entry: TestRunEntry = { v: 1, id: 'run-1', startedAt: 1000, endedAt: 1500, duration: 500, result: 'passed', files: [] }
    writeFileSync(join(dir, 'tests.jsonl'), formatHistoryLine(entry))
    const merge = cliWithin(20_000, dir, { XDG_CACHE_HOME: join(dir, '.xdg') }, 'tests', 'merge', '--dir', '/proc/unperf-no-such-dir/history', 'tests.jsonl')
    expect(merge.signal, 'tests merge hung').toBeNull()
    expect(merge.code).toBe(1)
    expect(merge.stderr.trim()).toMatch(new RegExp(`^\\[unperf\\] cannot write to /proc/unperf-no-such-dir/history: ${procRefused}$`))
    const html = cliWithin(20_000, dir, { XDG_CACHE_HOME: join(dir, '.xdg') }, 'report', '--html', '/proc/unperf-no-such-dir/r.html')
    expect(html.signal, 'report --html hung').toBeNull()
    expect(html.code).toBe(2)
    expect(html.stderr.trim()).toMatch(new RegExp(`^\\[unperf\\] --html /proc/unperf-no-such-dir/r.html: cannot be written: ${procRefused}$`))
  }, 90_000)
})
