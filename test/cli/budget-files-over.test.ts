/**
 * A `budgets.files` breach says by how much, as every other budget does: the message had only
 * "is 5.00 kB of 1.00 kB", no "(+4.00 kB)", in `unperf budget --json` and in a run's report.
 */
import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { projectWith } from '../helpers/project.js'
import { unperf } from '../helpers/unperf-cli.js'

const dist = join(import.meta.dirname, '../../dist/index.mjs')

interface Result { budget: string; status: string; over?: number; message: string }

describe('budgets.files in unperf budget', () => {
  const config = `export default {
    cache: { driver: 'memory' },
    budgets: { files: [{ path: 'big.txt', limit: 1000 }, { path: 'small.txt', limit: 1000 }], memory: 1 },
  }`

  it('a breach: "over the budget of … (+X)" like the other budgets, `over` set; within: "within"', () => {
    const dir = projectWith(config, { 'big.txt': 'x'.repeat(1500), 'small.txt': 'x'.repeat(10) })
    const r = unperf(dir, 'budget', '--json')
    expect(r.code).toBe(1) // the breach (and no recorded run)
    const [big, small] = (r.json() as { budgets: Result[] }).budgets
    expect(big).toMatchObject({ budget: 'budgets.files[0]', status: 'fail', over: 500, file: 'big.txt', compression: 'none' })
    expect(big!.message).toBe('budgets.files[0]: big.txt (1 file, none): 1.50 kB is over the budget of 1.00 kB (+500 B)')
    expect(small!.message).toBe('budgets.files[1]: small.txt (1 file, none): 10 B within 1.00 kB')
    const text = unperf(dir, 'budget')
    // the row names the glob (it read `budgets.files[0]  1.50 kB` alone: the size of what?)
    expect(text.stdout).toMatch(/^budgets\.files\[0\] big\.txt +1\.50 kB +1\.00 kB +✖ over by 500 B$/m)
  })

  it('a compressed budget\'s row says how the size was measured', () => {
    const dir = projectWith(`export default { cache: { driver: 'memory' }, budgets: { files: [{ path: '*.txt', limit: '1MB', compression: 'gzip' }] } }`, { 'big.txt': 'x'.repeat(1500) })
    const text = unperf(dir, 'budget')
    expect(text.stdout).toMatch(/^budgets\.files\[0\] \*\.txt \(gzip\) +\d+ B +1\.00 MB +✔ pass$/m)
    expect((unperf(dir, 'budget', '--json').json() as { budgets: Result[] }).budgets[0]).toMatchObject({ file: '*.txt', compression: 'gzip' })
  })

  it("a run's report words it the same way, beside the other budgets' messages", () => {
    const dir = projectWith(config.replace("cache: { driver: 'memory' },", "cache: { driver: 'memory' }, report: { console: false, dir: './.perf' },"), {
      'big.txt': 'x'.repeat(1500), 'small.txt': '',
      'app.mjs': `import { createPerf } from ${JSON.stringify(dist)}\nconst perf = await createPerf()\nawait perf.run('go', async () => {})\nawait perf.close()\n`,
    })
    const app = spawnSync(process.execPath, ['app.mjs'], { cwd: dir, encoding: 'utf8', env: { ...process.env, XDG_CACHE_HOME: join(dir, '.xdg') } })
    expect(app.status, app.stderr).toBe(0)
    const report = JSON.parse(readFileSync(join(dir, '.perf/report.json'), 'utf8')) as { budgets: Result[] }
    const file = report.budgets.find(b => b.budget === 'budgets.files[0]')!
    const memory = report.budgets.find(b => b.budget === 'budgets.memory')!
    expect(file).toMatchObject({ status: 'fail', over: 500 })
    expect(file.message).toContain('1.50 kB is over the budget of 1.00 kB (+500 B)')
    // the same wording as a budget judged on the run
    expect(memory.message).toMatch(/^budgets\.memory: \S+ \S+ is over the budget of 1 B \(\+/)
  })
})
