/** perf.run('') was accepted: a command named '' in reports, budgets and the metrics (`command=""`). */
import { describe, expect, it } from 'vitest'
import { createPerf } from '../../src/runtime/perf.js'
import { BASE, projectWith } from '../helpers/project.js'

describe('perf.run(name)', () => {
  it("rejects '' and a non-string with a TypeError naming the argument; nothing is recorded", async () => {
    const perf = await createPerf({ cwd: projectWith(`export default { ${BASE} }`, {}, 'run-name-cli'), noExitHandlers: true })
    let called = 0
    await expect(perf.run('', () => { called++ })).rejects.toThrow(new TypeError("[unperf] perf.run(name, fn): name must be a non-empty string (the command's name in reports, budgets and metrics), got ''"))
    await expect(perf.run(undefined as unknown as string, () => { called++ })).rejects.toThrow(/name must be a non-empty string .*got undefined/)
    expect(await perf.run('build', () => 'built')).toBe('built')
    const report = await perf.close()
    expect(called).toBe(0)
    expect(report.commands.map(c => c.name)).toEqual(['build'])
  })
})
