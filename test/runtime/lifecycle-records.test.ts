/**
 * A long-running process (a service timing each operation with perf.run) must not keep every
 * command record: the report holds the newest 1 000 and says how many older ones it left out,
 * while the metrics count every run.
 */
import { describe, expect, it } from 'vitest'
import { createPerf } from '../../src/runtime/perf.js'
import { tempDir } from '../helpers/tmp.js'

describe('command records in a long-running process', () => {
  it('5 000 runs: the report keeps the newest 1 000, metrics count all 5 000', async () => {
    const dir = tempDir('unperf-records-')
    const perf = await createPerf({ cwd: dir, noExitHandlers: true, overrides: { report: { console: false, dir: './.perf' }, cache: { enabled: false } } })
    for (let i = 0; i < 5000; i++) await perf.run(i % 5 === 0 ? 'write' : 'read', () => i)
    const exposed = perf.metrics.expose()
    const report = await perf.close()
    expect(report.commands).toHaveLength(1000)
    expect(report.commandsDropped).toBe(4000)
    // the newest: the last record is run 4999 (a read), the first kept is run 4000 (a write)
    expect(report.commands.at(-1)!.name).toBe('read')
    expect(report.commands[0]!.name).toBe('write')
    const total = (command: string) => Number(new RegExp(`_commands_total\\{command="${command}",status="ok"\\} (\\d+)`).exec(exposed)?.[1])
    expect(total('read')).toBe(4000)
    expect(total('write')).toBe(1000)
  })

  it("budgets judge every run, not only the records kept: a slow early run, a command that ran only early", async () => {
    const dir = tempDir('unperf-records-budgets-')
    const perf = await createPerf({
      cwd: dir, noExitHandlers: true,
      overrides: {
        report: { console: false, dir: './.perf' }, cache: { enabled: false },
        budgets: { commands: { read: { duration: '40ms' }, login: { p95: '1s', memory: '10GB' } } },
      },
    })
    // the slow read and every login come first: out of the newest 1 000 records by the end
    await perf.run('read', () => new Promise(r => setTimeout(r, 60)))
    for (let i = 0; i < 50; i++) await perf.run('login', () => i)
    for (let i = 0; i < 2500; i++) await perf.run('read', () => i)
    const report = await perf.close()
    expect(report.commands.some(c => c.name === 'login')).toBe(false)
    expect(report.commandStats!.login).toMatchObject({ runs: 50, errors: 0 })
    expect(report.commandStats!.login!.okDurations).toHaveLength(50)
    expect(report.commandStats!.read!.runs).toBe(2501)
    expect(report.commandStats!.read!.okDurations).toHaveLength(1000)
    const budget = (name: string) => report.budgets.find(b => b.budget === name)
    expect(budget('budgets.commands.read.duration')).toMatchObject({ status: 'fail' })
    expect(budget('budgets.commands.read.duration')!.actual).toBeGreaterThanOrEqual(55)
    expect(budget('budgets.commands.login.p95')).toMatchObject({ status: 'pass' })
    expect(budget('budgets.commands.login.memory')).toMatchObject({ status: 'pass' })
  })

  it('20 000 runs with spans: the report keeps the newest 10 000 spans and counts the others', async () => {
    const dir = tempDir('unperf-records-spans-')
    const perf = await createPerf({ cwd: dir, noExitHandlers: true, overrides: { report: { console: false, dir: './.perf' }, cache: { enabled: false } } })
    for (let i = 0; i < 20_000; i++) await perf.run('req', () => perf.span('db', () => perf.span('query', () => i)))
    const report = await perf.close()
    expect(report.spans).toHaveLength(10_000)
    expect(report.spansDropped).toBe(30_000)
    expect(report.spans.at(-1)).toMatchObject({ name: 'query', parent: 'db', depth: 1, command: 'req' })
  })

  it('a process that kept every record has no commandStats (the records are what the budgets judge)', async () => {
    const dir = tempDir('unperf-records-few-')
    const perf = await createPerf({ cwd: dir, noExitHandlers: true, overrides: { report: { console: false, dir: './.perf' }, cache: { enabled: false } } })
    await perf.run('build', () => 1)
    const report = await perf.close()
    expect(report).not.toHaveProperty('commandStats')
  })

  it('close() with a command still running (a service shutting down mid-request): recorded up to then, once; it still returns to its caller', async () => {
    const dir = tempDir('unperf-records-inflight-')
    const perf = await createPerf({ cwd: dir, noExitHandlers: true, overrides: { report: { console: false, dir: './.perf' }, cache: { enabled: false } } })
    const after: string[] = []
    perf.hooks.hook('command:after', (ctx, result) => { after.push(`${ctx.name}:${result.status}`) })
    const slow = perf.run('request', () => new Promise(r => setTimeout(() => r('served'), 80)))
    await new Promise(r => setTimeout(r, 20))
    const report = await perf.close()
    expect(report.commands).toEqual([expect.objectContaining({ name: 'request', status: 'ok' })])
    expect(report.commands[0]!.duration).toBeGreaterThanOrEqual(15)
    expect(await slow).toBe('served')
    expect(after).toEqual(['request:ok'])
  })
})

