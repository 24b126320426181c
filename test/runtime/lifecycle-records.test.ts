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
})
