/**
 * `unperf budget` with a config whose budgets are all `budgets.files` (a size-limit user's) and no
 * run recorded printed every file ✔ and exited 1 (`E_NO_RUN`): no budget it had needed a run. Its
 * verdict is the files' now, with a line saying no run is recorded; a config with any budget that
 * needs a run (startup, memory, cacheHitRate, commands), or with none at all, still exits 1.
 */
import { describe, expect, it } from 'vitest'
import { projectWith } from '../helpers/project.js'
import { unperf } from '../helpers/unperf-cli.js'

const files = { 'dist/a.mjs': 'x'.repeat(1500) }
const config = (budgets: string) => `export default { cache: { driver: 'memory' }, report: { console: false, dir: './.perf' }, budgets: { ${budgets} } }`

describe('unperf budget with budgets.files alone and no run recorded', () => {
  it('every file within its limit: exit 0, and a line says no run is recorded and only the files apply', () => {
    const dir = projectWith(config("files: [{ path: 'dist/*.mjs', limit: '2kB' }]"), files)
    const r = unperf(dir, 'budget')
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toMatch(/^budgets\.files\[0\] dist\/\*\.mjs +1\.50 kB +2\.00 kB +✔ pass$/m)
    expect(r.stderr).toContain('[unperf] no run recorded in ')
    expect(r.stderr).toContain(': only budgets.files apply (no budget configured needs a run)')
    const json = unperf(dir, 'budget', '--json')
    expect(json.code).toBe(0)
    expect(json.json()).toMatchObject({ ok: true, report: null, budgets: [{ budget: 'budgets.files[0]', status: 'pass' }] })
    expect(json.json().error).toBeUndefined()
  })

  it('a file over its limit: exit 1 on the breach, not on the missing run', () => {
    const dir = projectWith(config("files: [{ path: 'dist/*.mjs', limit: 1000 }]"), files)
    const r = unperf(dir, 'budget', '--json')
    expect(r.code).toBe(1)
    expect(r.json()).toMatchObject({ ok: false, budgets: [{ status: 'fail' }] })
    expect(r.json().error).toBeUndefined()
  })

  it('with a budget that needs a run beside the files (or none at all): exit 1, E_NO_RUN, as before', () => {
    for (const budgets of ["files: [{ path: 'dist/*.mjs', limit: '2kB' }], startup: '1s'", "files: [{ path: 'dist/*.mjs', limit: '2kB' }], commands: { build: { duration: '1s' } }", '']) {
      const r = unperf(projectWith(config(budgets), files), 'budget', '--json')
      expect(r.code, budgets).toBe(1)
      expect(r.json().error).toMatchObject({ code: 'E_NO_RUN' })
    }
  })
})
