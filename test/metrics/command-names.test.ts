/**
 * A command name per request (`perf.run(\`GET /users/${id}\`)`) is a `command` label value per
 * request: /metrics and the process grew without bound (20 000 names: a 22 MB scrape taking 1.7 s,
 * +130 MB of heap). Past MAX_COMMAND_NAMES new names count together, with one warning, in series
 * labelled overflow="true" (no command label): no command's own series, whatever its name.
 */
import { describe, expect, it } from 'vitest'
import { MAX_COMMAND_NAMES } from '../../src/runtime/metrics/command-totals.js'
import { createPerf } from '../../src/runtime/perf.js'
import { tempDir } from '../helpers/tmp.js'
import { family, parsePrometheus } from './_prom.js'

describe('distinct command names in the metrics', () => {
  it('a name per request: the command label stays bounded, every run is still counted, one warning', async () => {
    const dir = tempDir('unperf-command-names-')
    const perf = await createPerf({
      cwd: dir, noExitHandlers: true,
      overrides: { name: 'svc', report: { console: false, dir: './.perf' }, cache: { enabled: false }, budgets: { commands: { 'GET /late': { duration: '10s' } } } },
    })
    const extra = 300
    const warnings: string[] = []
    const write = process.stderr.write.bind(process.stderr)
    process.stderr.write = ((chunk: string | Uint8Array, ...rest: never[]) => {
      warnings.push(String(chunk))
      return write(chunk, ...rest)
    }) as typeof process.stderr.write
    try {
      // a command of the host's literally named '(other)' (the overflow's label once): its own series
      await perf.run('(other)', () => 0)
      for (let i = 0; i < MAX_COMMAND_NAMES + extra - 1; i++) await perf.run(`GET /users/${i}`, () => i)
      // a name with a budget keeps its own series past the limit (its budget is judged on it)
      await perf.run('GET /late', () => 1)
      await perf.run('GET /users/0', () => 1)
    } finally {
      process.stderr.write = write
    }
    const text = perf.metrics.expose()
    const totals = family(parsePrometheus(text), 'svc_commands_total').metrics
    const named = totals.filter(m => m.labels!.command !== undefined)
    const commands = new Set(named.map(m => m.labels!.command))
    expect(commands.size).toBe(MAX_COMMAND_NAMES + 1)
    expect(commands.has('GET /late')).toBe(true)
    const value = (command: string) => Number(totals.find(m => m.labels!.command === command)!.value)
    expect(value('(other)')).toBe(1)
    expect(value('GET /users/0')).toBe(2)
    const overflow = totals.filter(m => m.labels!.command === undefined)
    expect(overflow).toEqual([expect.objectContaining({ labels: { overflow: 'true', status: 'ok' } })])
    expect(Number(overflow[0]!.value)).toBe(extra)
    expect(totals.reduce((sum, m) => sum + Number(m.value), 0)).toBe(MAX_COMMAND_NAMES + extra + 2)
    // the histogram of the runs past the limit: consistent (_count = the +Inf bucket = its runs)
    expect(text).toContain(`svc_command_duration_seconds_bucket{overflow="true",le="+Inf"} ${extra}\n`)
    expect(text).toContain(`svc_command_duration_seconds_count{overflow="true"} ${extra}\n`)
    expect(text).toContain(`svc_command_duration_seconds_count{command="(other)"} 1\n`)
    expect(warnings.filter(w => w.includes('distinct command names'))).toHaveLength(1)
    expect(warnings.join('')).toContain(`more than ${MAX_COMMAND_NAMES} distinct command names (the latest: 'GET /users/${MAX_COMMAND_NAMES - 1}')`)
    const report = await perf.close()
    expect(report.budgets.find(b => b.budget === "budgets.commands['GET /late'].duration")).toMatchObject({ status: 'pass' })
    // the report too: '(other)' is the command's own, the overflow apart
    expect(report.commandStats!['(other)']).toMatchObject({ runs: 1 })
    expect(report.commandStatsOverflow).toMatchObject({ runs: extra, errors: 0 })
    expect(Object.keys(report.commandStats!)).not.toContain('')
  })
})
