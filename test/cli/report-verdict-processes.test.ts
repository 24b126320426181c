/**
 * `unperf report`'s verdict is the one each run gave itself (budgets.ts judgeRegression): a service
 * timing its requests with perf.run() is judged by the median of its newest process's runs against
 * the processes before it, so one slow request at its end is no regression, while a process slower
 * throughout is; a CLI (one run a process) is judged by its one run, as before. Text, --json and
 * --html agree, and so does the run's own report.json. Real child processes in a temp project.
 */
import { spawnSync } from 'node:child_process'
import { mkdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { formatDuration } from '../../src/config/units.js'
import { projectWith } from '../helpers/project.js'
import { unperf } from '../helpers/unperf-cli.js'

const dist = join(import.meta.dirname, '../../dist/index.mjs')

/**
 * A host whose process runs `name` once per duration in argv (ms, `!` after one: that run throws).
 * Durations far apart (5 and 40 ms): their spread makes a threshold (≈ 100 ms) a loaded machine's
 * timers stay well under, and 300 ms well over.
 */
function host(): { dir: string; run: (name: string, durations: string[]) => void } {
  const dir = projectWith(`export default { cache: { driver: 'memory' }, report: { console: false, dir: '.perf' } }`, { 'app.mjs': `
    import { createPerf } from ${JSON.stringify(dist)}
    const perf = await createPerf()
    const [name, ...durations] = process.argv.slice(2)
    for (const d of durations) {
      await perf.run(name, () => new Promise((resolve, reject) => setTimeout(() => d.endsWith('!') ? reject(new Error('request failed')) : resolve(), parseInt(d))))
        .catch(error => { if (error.message !== 'request failed') throw error })
    }
    await perf.close()` }, 'verdict-host')
  mkdirSync(join(dir, 'node_modules'))
  const env = { ...process.env, XDG_CACHE_HOME: join(dir, '.xdg') }
  return {
    dir,
    run: (name, durations) => {
      const r = spawnSync(process.execPath, ['app.mjs', name, ...durations], { cwd: dir, env, encoding: 'utf8' })
      expect(r.status, r.stderr).toBe(0)
    },
  }
}

/** What the last process judged itself: its report.json's regression results. */
function ownRegressions(dir: string): { command: string; actual: number; limit: number }[] {
  const report = JSON.parse(readFileSync(join(dir, '.perf/report.json'), 'utf8')) as { budgets: { kind: string; command: string; actual: number; limit: number }[] }
  return report.budgets.filter(b => b.kind === 'regression')
}

type Row = { command: string; runs: number; latest: number; latestRuns: number; status: string; regression: boolean; baseline: number | null; change: number | null; threshold: number | null }

function row(dir: string, command: string): Row {
  return (unperf(dir, 'report', '--json').json().commands as Row[]).find(r => r.command === command)!
}

/** The verdict cell of `command` in the --html page. */
function htmlVerdict(dir: string, command: string): string {
  const html = unperf(dir, 'report', '--html', 'report.html')
  expect(html.code, html.stderr).toBe(0)
  const page = readFileSync(join(dir, 'report.html'), 'utf8')
  return page.match(new RegExp(`<tr><td>${command}</td>(?:<td>[^<]*</td>){4}<td class="\\w+">([^<]*)</td></tr>`))![1]!
}

/** Each test runs hosts and the unperf CLI as child processes, a dozen: allow for a loaded machine. */
const CHILD_RUNS = { timeout: 120_000 }

describe('unperf report judges as the run did', CHILD_RUNS, () => {
  const requests = (n: number) => Array.from({ length: n }, (_, i) => (i % 2 ? '40' : '5'))

  it('a service: one slow request at the end of a process is no regression; a process slow throughout is one', () => {
    const { dir, run } = host()
    run('GET /a', requests(20))
    // the newest process: 20 ordinary requests, then one of 300 ms
    run('GET /a', [...requests(20), '300'])
    expect(ownRegressions(dir)).toEqual([])
    const noisy = row(dir, 'GET /a')
    // judged as the run judged itself: the median of its 21 runs, against the 20 runs of the process before
    expect(noisy).toMatchObject({ runs: 41, latestRuns: 21, status: 'ok', regression: false })
    expect(noisy.latest).toBeLessThan(100)
    expect(noisy.change).toBeCloseTo(noisy.latest / noisy.baseline! - 1, 9)
    const text = unperf(dir, 'report').stdout
    // two processes: too few for a trend (one figure a process: test/cli/report-per-process.test.ts)
    expect(text).toMatch(/^GET \/a +41 +\S+ ms +\S+ ms +– +ok$/m)
    expect(text).toContain('latest of GET /a: the median of the 21 successful runs of its newest process')
    expect(htmlVerdict(dir, 'GET /a')).toBe('ok')
    expect(readFileSync(join(dir, 'report.html'), 'utf8')).toContain('<p class="note">latest of GET /a: the median of the 21 successful runs of its newest process')

    // slower throughout: the run judged itself a regression, and so does the report
    run('GET /a', ['300', '300', '300', '300', '300'])
    const [own] = ownRegressions(dir)
    expect(own).toMatchObject({ command: 'GET /a' })
    const slow = row(dir, 'GET /a')
    expect(slow).toMatchObject({ latestRuns: 5, regression: true, threshold: own!.limit })
    expect(slow.latest).toBe(own!.actual)
    const verdict = `regression (+${(slow.change! * 100).toFixed(0)} % vs ${formatDuration(slow.baseline!)})`
    expect(unperf(dir, 'report').stdout).toMatch(new RegExp(`^GET /a +46 .* ${verdict.replace(/[()+.]/g, '\\$&')}$`, 'm'))
    expect(htmlVerdict(dir, 'GET /a')).toBe(verdict)
  })

  it('a service whose last request failed: failed, and its regression beside it as the run judged it', () => {
    const { dir, run } = host()
    run('GET /a', requests(20))
    run('GET /a', ['300', '300', '300', '300', '5!'])
    expect(ownRegressions(dir)).toHaveLength(1)
    expect(row(dir, 'GET /a')).toMatchObject({ latestRuns: 4, status: 'error', regression: true })
    expect(unperf(dir, 'report').stdout).toMatch(/^GET \/a +25 .* failed; regression \(\+\d+ % vs \S+ ms\)$/m)
    expect(htmlVerdict(dir, 'GET /a')).toMatch(/^failed; regression \(/)
  })

  it('a CLI, one run a process: its latest run judged against the runs before it, as before', () => {
    const { dir, run } = host()
    for (let i = 0; i < 5; i++) run('build', [i % 2 ? '40' : '5'])
    run('build', ['300'])
    const [own] = ownRegressions(dir)
    expect(own).toMatchObject({ command: 'build' })
    const slow = row(dir, 'build')
    expect(slow).toMatchObject({ runs: 6, latestRuns: 1, regression: true, latest: own!.actual, threshold: own!.limit })
    const text = unperf(dir, 'report').stdout
    expect(text).toMatch(/^build +6 .* regression \(\+\d+ % vs \S+ ms\)$/m)
    expect(text).not.toContain('latest of build')
    expect(htmlVerdict(dir, 'build')).toMatch(/^regression \(/)
    // the next run, an ordinary one: ok, judged against the six before it (the slow one among them)
    run('build', ['5'])
    expect(ownRegressions(dir)).toEqual([])
    expect(row(dir, 'build')).toMatchObject({ runs: 7, latestRuns: 1, regression: false, status: 'ok' })
    expect(htmlVerdict(dir, 'build')).toBe('ok')
  })
})
