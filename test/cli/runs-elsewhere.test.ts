/**
 * A host CLI's runs are recorded under the CLI's name (its config is in its own package), so in a
 * project that runs it, `unperf report` and `unperf budget` (the project's name) said "no runs
 * recorded" while the runs were one dir over. They now name that dir and the `--root-dir` to give.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { tempDir } from '../helpers/tmp.js'
import { unperf } from '../helpers/unperf-cli.js'

describe("runs recorded under an installed CLI's name", { timeout: 60_000 }, () => {
  it('unperf report and unperf budget name them and the --root-dir to give', () => {
    const dir = tempDir('unperf-runs-elsewhere-')
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'user-project', version: '1.0.0' }))
    const cli = join(dir, 'node_modules', '@acme', 'cli')
    mkdirSync(cli, { recursive: true })
    writeFileSync(join(cli, 'package.json'), JSON.stringify({ name: '@acme/cli', version: '2.0.0', type: 'module' }))
    writeFileSync(join(cli, 'perf.config.mjs'), 'export default { budgets: { startup: "1s" } }')
    // the run the CLI recorded, in its report dir for this project
    const reports: string = unperf(dir, 'config', '--root-dir', 'node_modules/@acme/cli', '--json').json().config.report.dir
    expect(reports).toBe(join(dir, '.xdg', 'acme+cli', 'reports', reports.split(/[\\/]/).at(-1)!))
    mkdirSync(reports, { recursive: true })
    writeFileSync(join(reports, 'history.jsonl'), JSON.stringify({ v: 1, time: new Date().toISOString(), runId: 'r1', pid: 1, name: '@acme/cli', version: '2.0.0', env: 'production', exitCode: 0, startup: 80, commands: [{ name: 'build', duration: 100, memoryPeak: 1e7, status: 'ok' }], cache: { hitRate: 0, lookups: 0 }, peakRss: 1e7, budgetsFailed: [] }) + '\n')
    const hint = `this project's runs are recorded under 'acme+cli' (${reports}), the name of a CLI whose perf.config is in its own package: unperf`
    const report = unperf(dir, 'report')
    expect(report.code).toBe(0)
    expect(report.stderr).toBe(`[unperf] ${hint} report --root-dir node_modules/@acme/cli\n`)
    const budget = unperf(dir, 'budget', '--json')
    expect(budget.code).toBe(1)
    expect(budget.json().error).toMatchObject({ code: 'E_NO_RUN', message: expect.stringContaining(`: ${hint} budget --root-dir node_modules/@acme/cli`) })
    // given that --root-dir, the run is there
    expect(unperf(dir, 'report', '--root-dir', 'node_modules/@acme/cli').stdout).toContain('1 run recorded')
    // a dir named with control characters (a shared cache home holds dirs others made): named escaped
    const planted = join(dir, '.xdg', 'evil\x1b]0;owned\x07', 'reports', reports.split(/[\\/]/).at(-1)!)
    mkdirSync(planted, { recursive: true })
    writeFileSync(join(planted, 'history.jsonl'), '')
    const escaped = unperf(dir, 'report').stderr
    expect(escaped).toContain("'evil\\x1b]0;owned\\x07'")
    expect(escaped).not.toMatch(/[\x00-\x09\x0b-\x1f\x7f]/)
  })
})
