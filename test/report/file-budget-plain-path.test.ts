/**
 * A `budgets.files` path naming one file as it is (size-limit's `dist/index.js`) is a stat: loading
 * tinyglobby and walking cost a run's exit ≈ 6–35 ms (a loaded 2-core machine) for nothing to match.
 * Seen from the child's CommonJS module cache (tinyglobby is required through createRequire).
 */
import { spawnSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { projectWith } from '../helpers/project.js'
import { bin } from '../helpers/unperf-cli.js'

const budget = (dir: string) => {
  writeFileSync(join(dir, 'globber.cjs'), "process.on('exit', () => process.stderr.write(`tinyglobby loaded: ${Object.keys(require.cache).some(k => k.includes('tinyglobby'))}\\n`))\n")
  const r = spawnSync(process.execPath, ['--require', join(dir, 'globber.cjs'), bin, 'budget', '--json'], { cwd: dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', XDG_CACHE_HOME: join(dir, '.xdg'), GITHUB_ACTIONS: undefined } })
  return { code: r.status, stderr: r.stderr, budgets: (JSON.parse(r.stdout) as { budgets: { actual: number; status: string }[] }).budgets }
}
const config = (path: string) => `export default { cache: { driver: 'memory' }, report: { console: false, dir: './.perf' }, budgets: { files: [{ path: '${path}', limit: '2kB' }] } }`

describe('budgets.files: a path naming one file', () => {
  it('is measured without loading tinyglobby; a glob or a dir still is globbed', () => {
    const files = { 'dist/index.js': 'x'.repeat(1500), 'dist/more.js': 'y'.repeat(100) }
    const plain = budget(projectWith(config('dist/index.js'), files))
    expect(plain.budgets).toMatchObject([{ actual: 1500, status: 'pass' }])
    expect(plain.stderr).toContain('tinyglobby loaded: false')
    const glob = budget(projectWith(config('dist/*.js'), files))
    expect(glob.budgets).toMatchObject([{ actual: 1600 }])
    expect(glob.stderr).toContain('tinyglobby loaded: true')
    expect(budget(projectWith(config('dist'), files)).budgets).toMatchObject([{ actual: 1600 }])
    expect(budget(projectWith(config('dist/none.js'), files)).budgets).toMatchObject([{ status: 'fail' }])
  })
})
