import { spawnSync } from 'node:child_process'
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { PerfConfig } from '../../src/config/types.js'
import { finalizeReport, finalizeReportSync } from '../../src/runtime/report/finalize.js'
import { readLastReport } from '../../src/runtime/report/last-report.js'
import { readHistory, type HistoryEntry } from '../../src/runtime/report/history.js'
import { renderSummary } from '../../src/runtime/report/console.js'
import type { BudgetResult, PerfReport } from '../../src/runtime/types.js'
import { describeRedis, redisUrl } from '../helpers/redis.js'
import { tempDir } from '../helpers/tmp.js'
import { bundle, run } from './_child.js'
import { command, context, reportConfig, runState } from './_state.js'

let savedExitCode: typeof process.exitCode
beforeEach(() => { savedExitCode = process.exitCode })
afterEach(() => { process.exitCode = savedExitCode })

async function finish(input: PerfConfig = {}, commands = [command('build', 100)], dir = tempDir()) {
  const config = reportConfig(dir, input)
  const ctx = context(config)
  const exceeded: BudgetResult[] = []
  ctx.hooks.hook('budget:exceeded', b => { exceeded.push(b) })
  const state = runState(config, commands)
  await state.tracer.span('load', () => state.tracer.span('parse', () => new Promise(r => setTimeout(r, 5))))
  const report = await finalizeReport(state, ctx)
  return { dir, config, ctx, report, exceeded }
}

describe('finalizeReport', () => {
  it('writes a compact report.json, a Chrome trace and a history line in report.dir (0700 / 0600)', async () => {
    const { config, report } = await finish()
    const dir = config.report.dir
    const text = readFileSync(join(dir, 'report.json'), 'utf8')
    expect(text).not.toContain('\n')
    const saved = JSON.parse(text) as PerfReport
    expect(saved).toMatchObject({ schemaVersion: 1, name: 'acme', version: '1.0.0', env: 'test', pid: process.pid })
    expect(saved.argv).toEqual(report.argv)
    expect(saved.commands.map(c => c.name)).toEqual(['build'])
    expect(saved.spans.map(s => [s.name, s.depth]).sort()).toEqual([['load', 0], ['parse', 1]])
    expect(readLastReport(config)).toEqual(saved)
    expect(report.files).toEqual({ report: join(dir, 'report.json'), trace: join(dir, 'trace.json'), history: join(dir, 'history.jsonl') })

    const trace = JSON.parse(readFileSync(join(dir, 'trace.json'), 'utf8')) as { traceEvents: Record<string, unknown>[]; displayTimeUnit: string }
    expect(trace.displayTimeUnit).toBe('ms')
    const complete = trace.traceEvents.filter(e => e.ph === 'X')
    expect(complete.map(e => e.name)).toEqual(expect.arrayContaining(['load', 'parse', 'build']))
    for (const e of complete) {
      expect(typeof e.ts).toBe('number')
      expect(typeof e.dur).toBe('number')
      expect(e.pid).toBeTypeOf('number')
      expect(e.tid).toBeTypeOf('number')
    }
    const load = complete.find(e => e.name === 'load')!
    const parse = complete.find(e => e.name === 'parse')!
    expect(parse.ts as number).toBeGreaterThanOrEqual(load.ts as number)
    expect((parse.ts as number) + (parse.dur as number)).toBeLessThanOrEqual((load.ts as number) + (load.dur as number) + 1)

    const [h] = readHistory(config)
    expect(h).toMatchObject({ v: 1, pid: process.pid, name: 'acme', commands: [{ name: 'build', duration: 100, status: 'ok' }], budgetsFailed: [] })
    expect(statSync(dir).mode & 0o777).toBe(0o700)
    for (const f of ['report.json', 'trace.json', 'history.jsonl']) expect(statSync(join(dir, f)).mode & 0o777).toBe(0o600)
  })

  it('redacts secrets in argv', async () => {
    const { report } = await finish()
    expect(JSON.stringify(report.argv)).not.toContain('secret')
  })

  it('skips trace.json with report.trace = false', async () => {
    const { config, report } = await finish({ report: { trace: false } })
    expect(report.files?.trace).toBeUndefined()
    expect(() => statSync(join(config.report.dir, 'trace.json'))).toThrow()
  })

  it('fires budget:exceeded for each breach; warn mode leaves the exit code alone', async () => {
    process.exitCode = undefined
    const { report, exceeded } = await finish({ budgets: { mode: 'warn', memory: '1kB', commands: { build: { duration: '10ms' } } } })
    expect(exceeded.map(b => b.budget).sort()).toEqual(['budgets.commands.build.duration', 'budgets.memory'])
    expect(exceeded[0]).toMatchObject({ status: 'fail', actual: expect.any(Number), limit: expect.any(Number), over: expect.any(Number), overRatio: expect.any(Number) })
    expect(report.budgets.filter(b => b.status === 'fail')).toHaveLength(2)
    expect(process.exitCode).toBeUndefined()
    expect(readHistory(report as never as Parameters<typeof readHistory>[0])).toEqual([]) // (type check only)
  })

  it("error mode sets process.exitCode = 1, and never overwrites a non-zero code", async () => {
    process.exitCode = undefined
    const { report, config } = await finish({ budgets: { mode: 'error', commands: { build: { duration: '10ms' } } } })
    expect(process.exitCode).toBe(1)
    // the report and its history line say so (the await perf.close() path)
    expect(report.exitCode).toBe(1)
    expect(readHistory(config).at(-1)?.exitCode).toBe(1)
    process.exitCode = 3
    await finish({ budgets: { mode: 'error', commands: { build: { duration: '10ms' } } } })
    expect(process.exitCode).toBe(3)
    process.exitCode = undefined
    await finish({ budgets: { mode: 'error', commands: { build: { duration: '10s' } } } })
    expect(process.exitCode).toBeUndefined()
  })

  it('detects a regression against the history of past runs and fires budget:exceeded with kind regression', async () => {
    const dir = tempDir()
    for (const d of [100, 104, 98, 101, 99]) {
      const { exceeded } = await finish({}, [command('build', d)], dir)
      expect(exceeded).toEqual([])
    }
    const { report, exceeded } = await finish({}, [command('build', 200)], dir)
    expect(exceeded.map(b => b.kind)).toEqual(['regression'])
    expect(report.budgets.find(b => b.kind === 'regression')?.command).toBe('build')
    expect(renderSummary(report, 'summary', false)).toMatch(/regressions\n.*✖ build.*slower than its median of 100 ms over 5 runs/)
  })

  it('prints nothing at all with report.console = false; the summary goes to stderr, never stdout', async () => {
    const writes: { out: string; err: string } = { out: '', err: '' }
    const out = process.stdout.write.bind(process.stdout)
    const err = process.stderr.write.bind(process.stderr)
    process.stdout.write = ((s: string) => { writes.out += s; return true }) as typeof process.stdout.write
    process.stderr.write = ((s: string) => { writes.err += s; return true }) as typeof process.stderr.write
    try {
      await finish({ report: { console: false }, budgets: { startup: '1h' } })
      expect(writes).toEqual({ out: '', err: '' })
      await finish({ report: { console: 'summary' }, budgets: { startup: '1h' } })
    } finally {
      process.stdout.write = out
      process.stderr.write = err
    }
    expect(writes.out).toBe('')
    expect(writes.err).toMatch(/unperf · acme@1\.0\.0/)
    expect(writes.err).toMatch(/✔ budgets\.startup/)
  })

  it('warns and still returns the report when report.dir cannot be written', async () => {
    const dir = tempDir()
    writeFileSync(join(dir, 'a-file'), '')
    const { ctx, report } = await finish({ report: { dir: join(dir, 'a-file', 'reports') } })
    expect(report.schemaVersion).toBe(1)
    // the cause named (Node's mkdir said ENOTDIR naming the dir it tried)
    expect(ctx.warnings).toEqual([`the report and run history are not written: cannot write to ${join(dir, 'a-file', 'reports')}: ${join(dir, 'a-file')} is a file, not a directory (point report.dir, or XDG_CACHE_HOME for the default one, at a writable dir)`])
  })

  it('a report.json that cannot be written: the summary claims no report path, the warning alone says so (both paths); the history line is still appended', async () => {
    const dir = tempDir()
    // a directory (not empty) where report.json goes: the rename over it fails (EISDIR), even as root
    mkdirSync(join(dir, 'reports', 'report.json'), { recursive: true })
    writeFileSync(join(dir, 'reports', 'report.json', 'x'), '')
    const err = process.stderr.write.bind(process.stderr)
    let printed = ''
    process.stderr.write = ((s: string) => { printed += s; return true }) as typeof process.stderr.write
    let ran: Awaited<ReturnType<typeof finish>>
    let sync: { report: PerfReport; warnings: string[] }
    try {
      ran = await finish({ report: { console: 'summary' } }, [command('build', 100)], dir)
      const config = reportConfig(dir, { report: { console: 'summary' } })
      const ctx = context(config)
      sync = { report: finalizeReportSync(runState(config, [command('build', 10)], { exitCode: 0 }), ctx), warnings: ctx.warnings }
    } finally {
      process.stderr.write = err
    }
    for (const { report, warnings } of [{ report: ran.report, warnings: ran.ctx.warnings }, sync]) {
      // the run is in the history all the same (a report that cannot be written skipped it)
      expect(report.files).toEqual({ history: join(dir, 'reports', 'history.jsonl') })
      expect(warnings).toHaveLength(1)
      expect(warnings[0]).toContain(`the report could not be written to ${join(dir, 'reports')}`)
    }
    // two summaries printed, neither naming a report file
    expect(printed.match(/unperf · acme@1\.0\.0/g)).toHaveLength(2)
    expect(printed).not.toContain('report: ')
    expect(printed).not.toContain('report.json')
  })

  it('a trace.json that cannot be written: the summary still names the report.json that was written, not the trace; the history line is appended', async () => {
    const dir = tempDir()
    mkdirSync(join(dir, 'reports', 'trace.json'), { recursive: true })
    writeFileSync(join(dir, 'reports', 'trace.json', 'x'), '')
    const { report, ctx } = await finish({}, [command('build', 100)], dir)
    expect(report.files).toEqual({ report: join(dir, 'reports', 'report.json'), history: join(dir, 'reports', 'history.jsonl') })
    expect(ctx.warnings).toHaveLength(1)
    expect(renderSummary(report, 'summary', false)).toContain(`report: ${join(dir, 'reports', 'report.json')}`)
  })

  it('a history.jsonl that is a directory: the run is judged without it, one warning, report.json written and named (no EISDIR out of close)', async () => {
    const dir = tempDir()
    mkdirSync(join(dir, 'reports', 'history.jsonl', 'x'), { recursive: true })
    const { report, ctx } = await finish({}, [command('build', 100)], dir)
    expect(report.files).toEqual({ report: join(dir, 'reports', 'report.json'), trace: join(dir, 'reports', 'trace.json') })
    expect(ctx.warnings).toHaveLength(1)
    expect(ctx.warnings[0]).toContain(`the report could not be written to ${join(dir, 'reports')}`)
    expect(readLastReport(reportConfig(dir))?.commands[0]?.name).toBe('build')
  })

  it('finalizeReportSync writes the same files without awaiting', () => {
    const dir = tempDir()
    const config = reportConfig(dir)
    const report = finalizeReportSync(runState(config, [command('build', 10)], { exitCode: 0 }), context(config))
    expect(report.exitCode).toBe(0)
    expect(readLastReport(config)?.commands[0]?.name).toBe('build')
    expect(readHistory(config)).toHaveLength(1)
  })
})

describe('renderSummary', () => {
  it('aligns a table of startup phases, commands, spans, cache, pools, memory and budget verdicts; no colors when asked', async () => {
    const { report } = await finish({ budgets: { memory: '1kB', startup: '1h' } }, [command('build', 1234, { memoryPeak: 52_000_000, memoryDelta: 2_000_000 }), command('lint', 20, { status: 'error' })])
    report.cache = { hits: 3, misses: 1, stale: 0, sets: 1, deletes: 0, evictions: 0, errors: 0, hitRate: 0.75, namespaces: { default: { hits: 3, misses: 1, stale: 0, sets: 1, deletes: 0, evictions: 0, errors: 0, hitRate: 0.75 } } }
    report.pools = [{ name: 'network', concurrency: 8, adaptive: false, active: 0, queued: 0, completed: 12, failed: 1, cancelled: 0, retries: 2, timeouts: 0 }]
    const text = renderSummary(report, 'summary', false)
    expect(text).not.toMatch(/\x1b\[/)
    expect(text).toMatch(/commands\n {2}build +1\.23 s/)
    expect(text).toMatch(/lint .*error/)
    expect(text).toMatch(/cache\n.*75 % hits/)
    expect(text).toMatch(/pools\n {2}network/)
    expect(text).toMatch(/✖ budgets\.memory/)
    expect(text).toMatch(/✔ budgets\.startup/)
    const colored = renderSummary(report, 'verbose', true)
    expect(colored).toMatch(/\x1b\[31m✖/)
    // columns line up: every row of the commands table has its duration column ending at the same offset
    const rows = text.split('\n').slice(text.split('\n').indexOf('commands') + 1, text.split('\n').indexOf('commands') + 3)
    expect(rows[0]!.indexOf('1.23 s') + '1.23 s'.length).toBe(rows[1]!.indexOf('20.0 ms') + '20.0 ms'.length)
    // budget verdicts are prose: they start in one column, whatever their length
    const verdicts = text.split('\n').filter(l => /^ {2}[✔✖] budgets\./.test(l))
    expect(verdicts).toHaveLength(2)
    const starts = verdicts.map(l => l.search(/ {2}\S+ (?:µs|ms|s|min|h|B|kB|MB|GB) /) + 2)
    expect(new Set(starts).size).toBe(1)
  })

  it('a command run many times (a service): one row per name with its runs, p50, p95, max and errors; verbose lists every run', async () => {
    const runs = [...Array.from({ length: 40 }, (_, i) => command('req', 10 + i)), command('req', 500, { status: 'error' }), command('health', 2)]
    const { report } = await finish({}, runs)
    const text = renderSummary(report, 'summary', false)
    const block = text.slice(text.indexOf('commands'), text.indexOf('slowest spans'))
    expect(block.trim().split('\n')).toHaveLength(3)
    expect(block).toMatch(/req +41 runs +p50 30\.0 ms +p95 48\.0 ms +max 500 ms +peak .* 1 error/)
    expect(block).toMatch(/health +1 run +p50 2\.00 ms .* ok/)
    expect(renderSummary(report, 'verbose', false).match(/^ {2}req /gm)).toHaveLength(41)
  })
})

describe('exit codes in a real child process (sync path in the exit handler)', () => {
  it('error mode turns a clean exit into 1, keeps a non-zero code, warn mode keeps 0; the summary is on stderr', async () => {
    const file = await bundle('./fixtures/exit-cli.ts')
    const env = { NO_COLOR: '1' }
    const [error0, error2, warn0, natural] = await Promise.all([
      run(file, [tempDir(), 'error', '0'], env),
      run(file, [tempDir(), 'error', '2'], env),
      run(file, [tempDir(), 'warn', '0'], env),
      run(file, [tempDir(), 'error', 'natural'], env),
    ])
    expect(error0.code).toBe(1)
    expect(error0.stdout).toBe('exceeded budgets.commands.build.duration\n')
    expect(error0.stderr).toMatch(/✖ budgets\.commands\.build\.duration/)
    expect(error2.code).toBe(2)
    expect(warn0.code).toBe(0)
    expect(warn0.stderr).toMatch(/✖ budgets\.commands\.build\.duration/)
    expect(natural.code).toBe(1)
  }, 60_000)
})

describeRedis('report.historyDriver (real redis)', () => {
  it('a fresh clone (empty report.dir) compares against runs pushed by other machines', async () => {
    const scope = `t${Date.now()}`
    const input: PerfConfig = { report: { historyDriver: { driver: 'redis', url: redisUrl! } }, cache: { scope } }
    for (const d of [100, 102, 98, 101, 99]) {
      const { ctx } = await finish(input, [command('build', d)]) // each run in its own fresh dir
      expect(ctx.warnings).toEqual([])
    }
    const { report, exceeded, config } = await finish(input, [command('build', 300)])
    expect(readHistory(config)).toHaveLength(1) // the local file only has this run
    expect(exceeded.map(b => b.kind)).toEqual(['regression'])
    expect(report.budgets.find(b => b.kind === 'regression')?.message).toMatch(/over 5 runs/)
  }, 30_000)

  it("an entry of another shape in the shared history (another tool's, another version's) is left out: the run is judged with the others", async () => {
    const scope = `shape${Date.now()}`
    const input: PerfConfig = { report: { historyDriver: { driver: 'redis', url: redisUrl! } }, cache: { scope } }
    for (const d of [100, 102, 98, 101, 99]) await finish(input, [command('build', d)])
    const { appendDriverHistory, readDriverHistory } = await import('../../src/runtime/report/history-driver.js')
    const cfg = reportConfig(tempDir(), input)
    const foreign = { v: 1, time: new Date().toISOString(), runId: 'foreign', commands: [null] } as unknown as HistoryEntry
    await appendDriverHistory(cfg, foreign)
    // budgets.ts read `null.name`: 'budgets could not be evaluated', no verdict at all
    const { ctx, exceeded } = await finish(input, [command('build', 300)])
    expect(ctx.warnings).toEqual([])
    expect(exceeded.map(b => b.kind)).toEqual(['regression'])
    expect((await readDriverHistory(cfg)).map(e => e.runId)).not.toContain('foreign')
    // the CLI reads it, to name it (cli/history-check.ts readableDriverRuns)
    expect((await readDriverHistory(cfg, true)).map(e => e.runId)).toContain('foreign')
  }, 30_000)

  it('keeps only `history` runs in the driver', async () => {
    const scope = `cap${Date.now()}`
    const input: PerfConfig = { report: { history: 3, historyDriver: { driver: 'redis', url: redisUrl! } }, cache: { scope } }
    for (const d of [1, 2, 3, 4, 5]) await finish(input, [command('build', d)])
    const { readDriverHistory } = await import('../../src/runtime/report/history-driver.js')
    const remote = await readDriverHistory(reportConfig(tempDir(), input))
    expect(remote.map(e => e.commands[0]!.duration)).toEqual([3, 4, 5])
  }, 30_000)
})

describe('report.historyDriver that cannot be reached', () => {
  it("warns with the connection's own error, not ioredis' retry-limit one, and keeps the local history", async () => {
    const input: PerfConfig = { report: { historyDriver: { driver: 'redis', url: 'redis://127.0.0.1:1' } }, cache: { scope: `down${Date.now()}` } }
    const { ctx, config } = await finish(input, [command('build', 10)])
    expect(readHistory(config)).toHaveLength(1)
    const warnings = ctx.warnings.join('\n')
    expect(warnings).toMatch(/historyDriver could not be read \(connect ECONNREFUSED 127\.0\.0\.1:1\); using the local history; this run is not added to it/)
    // not tried again for the write: it fails the same way (one warning, not two)
    expect(warnings).not.toMatch(/historyDriver could not be written/)
    expect(warnings).not.toContain('maxRetriesPerRequest')
  }, 30_000)
})

describeRedis('report.historyDriver in a real CLI process', () => {
  it('await perf.close() resolves and the run reaches redis when nothing else keeps the process up', async () => {
    const dist = join(import.meta.dirname, '../../dist/index.mjs')
    const scope = `proc${Date.now()}`
    const runs: string[] = []
    // three fresh CI clones: own project dir and cache dir each, one shared redis
    for (const machine of ['a', 'b', 'c']) {
      const dir = tempDir(`unperf-hist-proc-${machine}-`)
      writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'hist-proc', version: '1.0.0', type: 'module' }))
      writeFileSync(join(dir, 'perf.config.json'), JSON.stringify({ cache: { scope }, report: { console: false, historyDriver: { driver: 'redis', url: redisUrl } } }))
      writeFileSync(join(dir, 'app.mjs'), `
        import { createPerf } from ${JSON.stringify(dist)}
        const perf = await createPerf()
        await perf.run('build', async () => {})
        await perf.close()
        console.log('closed')`)
      const r = spawnSync(process.execPath, ['app.mjs'], { cwd: dir, encoding: 'utf8', env: { ...process.env, XDG_CACHE_HOME: join(dir, '.xdg') }, timeout: 30_000 })
      expect(r.status, r.stderr).toBe(0)
      expect(r.stdout).toContain('closed')
      expect(r.stderr).not.toMatch(/historyDriver/)
      runs.push(dir)
    }
    const { readDriverHistory } = await import('../../src/runtime/report/history-driver.js')
    expect(await readDriverHistory(reportConfig(runs[0]!, { name: 'hist-proc', cache: { scope }, report: { historyDriver: { driver: 'redis', url: redisUrl! } } }))).toHaveLength(3)
  }, 60_000)
})
