/**
 * `unperf budget` on a CI machine that never ran the CLI, with `report.historyDriver` shared by the
 * fleet: `unperf report` there lists the fleet's runs, and `unperf budget` said only "no run recorded in
 * <dir>: run the CLI once", which read as if the shared history had not been looked at (a fleet audit,
 * session 33). It says what budget judges (this machine's last run) and what the shared runs are to it.
 */
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { tempDir } from '../helpers/tmp.js'
import { unperf } from '../helpers/unperf-cli.js'

describe('unperf budget with a shared history and no run on this machine', { timeout: 60_000 }, () => {
  it('exits 1 (E_NO_RUN), saying it judges this machine\'s last run and where the fleet\'s runs are', () => {
    const dir = tempDir('unperf-budget-fleet-')
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'fleet-project', version: '1.0.0', type: 'module' }))
    // never reached on this path: budget reads the shared history only to judge a run of this machine
    writeFileSync(join(dir, 'perf.config.mjs'), "export default { budgets: { startup: '1s' }, report: { historyDriver: { driver: 'redis', url: 'redis://:fleet-pw@127.0.0.1:1' } } }")
    const r = unperf(dir, 'budget', '--json')
    expect(r.code, r.stderr).toBe(1)
    expect(r.json().error).toMatchObject({ code: 'E_NO_RUN', message: expect.stringMatching(/run the CLI once \(with unperf\) before checking budgets on this machine \(budgets judge this machine's last run; report\.historyDriver's runs of other machines are the history it is judged against: `unperf report` lists them\)$/) })
    expect(r.stdout + r.stderr).not.toContain('fleet-pw')
    // without a shared history, as before
    writeFileSync(join(dir, 'perf.config.mjs'), "export default { budgets: { startup: '1s' } }")
    expect(unperf(dir, 'budget', '--json').json().error.message).toMatch(/run the CLI once \(with unperf\) before checking budgets$/)
  })
})
