/**
 * Relative paths given to the CLI resolve against `--cwd`, as `git -C` and `make -C` do: `profile --out`
 * always did; `report --html` and `bench --export-json/--export-markdown/--save-baseline/--baseline`
 * resolved against the shell's directory instead.
 */
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { bin } from '../helpers/unperf-cli.js'
import { tempDir } from '../helpers/tmp.js'

const dist = join(import.meta.dirname, '../../dist/index.mjs')

function setup() {
  const shell = tempDir('unperf-cwd-shell-')
  const project = join(shell, 'packages', 'app')
  mkdirSync(join(project, 'node_modules'), { recursive: true })
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'cwd-app', version: '1.0.0', type: 'module' }))
  writeFileSync(join(project, 'perf.config.mjs'), `export default { cache: { driver: 'memory' }, report: { console: false } }`)
  writeFileSync(join(project, 'app.mjs'), `
    import { createPerf } from ${JSON.stringify(dist)}
    const perf = await createPerf()
    await perf.run('build', async () => {})
    await perf.close()`)
  const env = { ...process.env, NO_COLOR: '1', XDG_CACHE_HOME: join(shell, '.xdg') }
  const unperf = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { cwd: shell, env, encoding: 'utf8', timeout: 60_000 })
  return { shell, project, env, unperf }
}

describe('relative paths resolve against --cwd', () => {
  it('report --html FILE is written in the --cwd project', () => {
    const { shell, project, env, unperf } = setup()
    expect(spawnSync(process.execPath, ['app.mjs'], { cwd: project, env }).status).toBe(0)
    const r = unperf('report', '--cwd', 'packages/app', '--html', 'out/report.html', '--json')
    expect(r.status, r.stderr).toBe(0)
    expect(JSON.parse(r.stdout).file).toBe(join(project, 'out', 'report.html'))
    expect(readFileSync(join(project, 'out', 'report.html'), 'utf8')).toContain('<!doctype html>')
    expect(existsSync(join(shell, 'out'))).toBe(false)
  })

  it('bench exports, --save-baseline and --baseline are files of the --cwd project', () => {
    const { shell, project, unperf } = setup()
    const first = unperf('bench', '--cwd', 'packages/app', '--runs', '2', '--warmup', '0', '--export-json', 'bench.json', '--export-markdown', 'bench.md', '--save-baseline', 'base.json', '--', 'true')
    expect(first.status, first.stderr).toBe(0)
    for (const file of ['bench.json', 'bench.md', 'base.json']) {
      expect(existsSync(join(project, file)), file).toBe(true)
      expect(existsSync(join(shell, file)), file).toBe(false)
    }
    const again = unperf('bench', '--cwd', 'packages/app', '--runs', '2', '--warmup', '0', '--baseline', 'base.json', '--', 'true')
    expect(again.stderr).not.toMatch(/cannot be read/)
    // a missing baseline is named by its absolute path in the project
    const missing = unperf('bench', '--cwd', 'packages/app', '--runs', '2', '--baseline', 'nope.json', '--', 'true')
    expect(missing.status).toBe(2)
    expect(missing.stderr).toContain(join(project, 'nope.json'))
  })
})
