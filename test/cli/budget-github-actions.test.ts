/**
 * `unperf budget` as a GitHub Actions step: a breach was a row of a table in the step's log alone
 * (no annotation on the run or the pull request, nothing in the job summary), where size-limit's
 * action and vitest's reporter give both. And a p95 row said "over by 290 ms" after a 21 ms run
 * without saying it was the p95 of how many runs (under 20: the slowest of them).
 */
import { spawnSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { summaryMarkdown } from '../../src/cli/github-actions.js'
import { workflowError } from '../../src/runtime/report/github-annotations.js'
import { projectWith } from '../helpers/project.js'
import { unperfWithEnv } from '../helpers/unperf-cli.js'

const dist = join(import.meta.dirname, '../../dist/index.mjs')
const files = { 'dist/a.mjs': 'x'.repeat(1500), 'dist/b.mjs': 'y'.repeat(10) }
const config = `export default {
  cache: { driver: 'memory' }, report: { console: false, dir: './.perf' },
  budgets: { files: [{ path: 'dist/**/*.mjs', limit: 1000 }, { path: 'dist/b.mjs', limit: 1000 }], commands: { build: { p95: 1 } } },
}`
const app = `import { createPerf } from ${JSON.stringify(dist)}
const perf = await createPerf()
await perf.run('build', () => new Promise(r => setTimeout(r, 5)))
await perf.close()
`
const annotations = (stderr: string) => stderr.split('\n').filter(l => l.startsWith('::'))

/** A project with a run of `build` recorded (its p95 budget of 1 ms exceeded) and a file budget over. */
function projectWithRun(): string {
  const dir = projectWith(config, { ...files, 'app.mjs': app })
  const run = spawnSync(process.execPath, ['app.mjs'], { cwd: dir, encoding: 'utf8', env: { ...process.env, XDG_CACHE_HOME: join(dir, '.xdg') } })
  expect(run.status, run.stderr).toBe(0)
  return dir
}

describe('unperf budget in a GitHub Actions job', () => {
  it('an ::error annotation per breach on stderr, none for a budget within its limit', () => {
    const dir = projectWithRun()
    const r = unperfWithEnv(dir, { GITHUB_ACTIONS: 'true' }, 'budget')
    expect(r.code).toBe(1)
    const lines = annotations(r.stderr)
    expect(lines).toHaveLength(2)
    expect(lines[0]).toMatch(/^::error title=unperf budget \(life-cli\)::budgets\.commands\.build\.p95: [\d.]+ ms \(p95 of 1 run\) is over the budget of 1\.00 ms \(\+[\d.]+ ms\)$/)
    expect(lines[1]).toBe('::error title=unperf budget (life-cli)::budgets.files[0]: dist/**/*.mjs (2 files, none): 1.51 kB is over the budget of 1.00 kB (+510 B)')
    // the table on stdout is the same as anywhere else
    expect(r.stdout).not.toContain('::')
    expect(r.stdout).toMatch(/^budgets\.commands\.build\.p95 +[\d.]+ ms +1\.00 ms +✖ over by [\d.]+ ms: p95 of 1 run$/m)
  })

  it('--json: stdout is the document alone, the annotations on stderr', () => {
    const dir = projectWithRun()
    const r = unperfWithEnv(dir, { GITHUB_ACTIONS: 'true' }, 'budget', '--json')
    expect(r.code).toBe(1)
    const doc = r.json() as { ok: boolean; budgets: { budget: string; status: string; runs?: number }[] }
    expect(doc.ok).toBe(false)
    expect(doc.budgets.find(b => b.budget === 'budgets.commands.build.p95')).toMatchObject({ status: 'fail', runs: 1 })
    expect(annotations(r.stderr)).toHaveLength(2)
  })

  it('no run recorded: an annotation says so, beside the breaches of the files judged', () => {
    const dir = projectWith(config, files)
    const r = unperfWithEnv(dir, { GITHUB_ACTIONS: 'true' }, 'budget')
    expect(r.code).toBe(1)
    const lines = annotations(r.stderr)
    expect(lines).toHaveLength(2)
    expect(lines[0]).toMatch(/^::error title=unperf budget \(life-cli\)::no run recorded in .*: run the CLI once/)
    expect(lines[1]).toContain('::budgets.files[0]: dist/**/*.mjs (2 files, none)')
  })

  it('the verdicts as a Markdown table appended to GITHUB_STEP_SUMMARY, a glob written as it is', () => {
    const dir = projectWithRun()
    const summary = join(dir, 'summary.md')
    writeFileSync(summary, '# earlier step\n')
    const r = unperfWithEnv(dir, { GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: summary }, 'budget')
    expect(r.code).toBe(1)
    const md = readFileSync(summary, 'utf8')
    expect(md.startsWith('# earlier step\n### unperf budget (life-cli): ❌ 2 budgets exceeded\n\n| budget | actual | limit | verdict |\n| --- | ---: | ---: | --- |\n')).toBe(true)
    // `**` unescaped made the rest of the row bold
    expect(md).toContain('| budgets.files\\[0\\] dist/\\*\\*/\\*.mjs | 1.51 kB | 1.00 kB | ✖ over by 510 B |')
    expect(md).toContain('| budgets.files\\[1\\] dist/b.mjs | 10 B | 1.00 kB | ✔ pass |')
    expect(md).toMatch(/\| budgets\.commands\.build\.p95 \| [\d.]+ ms \| 1\.00 ms \| ✖ over by [\d.]+ ms: p95 of 1 run \|/)
  })

  it('a summary file that cannot be written is a warning, the verdict unchanged', () => {
    const dir = projectWithRun()
    const r = unperfWithEnv(dir, { GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: join(dir, 'no/such/dir/summary.md') }, 'budget')
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(/^\[unperf\] warning: the job summary \(GITHUB_STEP_SUMMARY=.*\) cannot be written: ENOENT/m)
    expect(annotations(r.stderr)).toHaveLength(2)
  })

  it('outside GitHub Actions: no workflow command', () => {
    const dir = projectWithRun()
    const r = unperfWithEnv(dir, {}, 'budget')
    expect(r.code).toBe(1)
    expect(annotations(r.stderr)).toEqual([])
    expect(r.stderr).toMatch(/2 budgets exceeded/)
  })
})

describe('workflow commands and the summary, escaped', () => {
  it('a newline cannot start a command of its own; `:` and `,` end no property', () => {
    expect(workflowError('a: b, c', "GET /x%0A\n::add-mask::secret\r")).toBe('::error title=a%3A b%2C c::GET /x%250A%0A::add-mask::secret%0D')
  })

  it('a cell holds its text: pipes, HTML and line breaks escaped', () => {
    const md = summaryMarkdown('t', [{ budget: 'a|b', actual: '1 ms', limit: '2 ms', verdict: '<img src=x>\nnext', status: 'fail' }], 1, undefined)
    expect(md).toContain('| a\\|b | 1 ms | 2 ms | &lt;img src=x> next |')
  })

  it("nothing judged: the summary says why, not a bare '✅ no budget exceeded'", () => {
    const dir = projectWith(`export default { cache: { driver: 'memory' }, report: { console: false, dir: './.perf' }, budgets: { commands: { lint: { duration: 1 } } } }`, { 'app.mjs': app })
    const run = spawnSync(process.execPath, ['app.mjs'], { cwd: dir, encoding: 'utf8', env: { ...process.env, XDG_CACHE_HOME: join(dir, '.xdg') } })
    expect(run.status, run.stderr).toBe(0)
    const summary = join(dir, 'summary.md')
    const r = unperfWithEnv(dir, { GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: summary }, 'budget')
    expect(r.code).toBe(0)
    expect(annotations(r.stderr)).toEqual([])
    expect(readFileSync(summary, 'utf8')).toBe('### unperf budget (life-cli): ✅ no budget exceeded\n\nno budget applies to the last run (it ran build; configured: budgets.commands.lint)\n\n')
  })

  it('no breach: said in the heading', () => {
    expect(summaryMarkdown('unperf budget (x)', [{ budget: 'budgets.memory', actual: '1 MB', limit: '2 MB', verdict: '✔ pass', status: 'pass' }], 0, undefined)).toMatch(/^### unperf budget \(x\): ✅ no budget exceeded\n/)
  })
})
