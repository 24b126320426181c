/**
 * A CLI run from a subdirectory of its project works on the project: the nearest dir with a
 * package.json above the process's cwd (not past a repository's root, never the home dir from
 * below it) is the default `cwd` (and so `rootDir`): same perf.config, cache scope and report dir
 * as from the project's root. Child processes started in the subdirectory.
 */
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { bin } from '../helpers/unperf-cli.js'
import { tempDir } from '../helpers/tmp.js'
import { projectDir } from '../../src/runtime/project.js'

const dist = join(import.meta.dirname, '../../dist/index.mjs')

function run(cwd: string, args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, args, { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', ...env }, timeout: 60_000 })
  return { code: r.status, stdout: r.stdout, stderr: r.stderr }
}

/** A project: package.json, perf.config.ts, app.mjs (a host script using createPerf() with no dirs) and src/deep/. */
function project(): { dir: string; xdg: string; deep: string } {
  const dir = tempDir('unperf-project-dir-')
  mkdirSync(join(dir, 'node_modules'))
  mkdirSync(join(dir, 'src', 'deep'), { recursive: true })
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'sub-fixture', version: '1.0.0', type: 'module' }))
  writeFileSync(join(dir, 'perf.config.ts'), `export default { name: 'from-config', report: { console: false }, cache: { driver: 'fs' } }\n`)
  writeFileSync(join(dir, 'app.mjs'), `
    import { createPerf } from ${JSON.stringify(dist)}
    const perf = await createPerf()
    const out = await perf.run('build', async () => {
      const before = await perf.cache.get('answer')
      await perf.cache.set('answer', 42)
      return { before, cwd: perf.config.cwd, rootDir: perf.config.rootDir, name: perf.config.name, reportDir: perf.config.report.dir, cacheDir: perf.config.cache.dir }
    })
    await perf.close()
    console.log(JSON.stringify(out))`)
  return { dir, xdg: join(dir, '.xdg'), deep: join(dir, 'src', 'deep') }
}

describe('the project a CLI run from a subdirectory works on', () => {
  it('a host script run from src/deep finds perf.config.ts and shares the cache scope and report dir of a run from the root', () => {
    const { dir, xdg, deep } = project()
    const fromRoot = run(dir, ['app.mjs'], { XDG_CACHE_HOME: xdg })
    expect(fromRoot.code, fromRoot.stderr).toBe(0)
    const root = JSON.parse(fromRoot.stdout) as Record<string, unknown>
    expect(root).toMatchObject({ before: null, cwd: dir, rootDir: dir, name: 'from-config' })
    const fromDeep = run(deep, ['../../app.mjs'], { XDG_CACHE_HOME: xdg })
    expect(fromDeep.code, fromDeep.stderr).toBe(0)
    const sub = JSON.parse(fromDeep.stdout) as Record<string, unknown>
    // the entry the root's run wrote: one scope
    expect(sub).toMatchObject({ before: 42, cwd: dir, rootDir: dir, name: 'from-config', reportDir: root.reportDir, cacheDir: root.cacheDir })
  })

  it('unperf config from a subdirectory shows the project\'s config; an explicit --cwd is taken as it is', () => {
    const { dir, xdg, deep } = project()
    const r = run(deep, [bin, 'config', '--json'], { XDG_CACHE_HOME: xdg })
    expect(r.code, r.stderr).toBe(0)
    const { config } = JSON.parse(r.stdout) as { config: { cwd: string; rootDir: string; name: string; configFile: string } }
    expect(config).toMatchObject({ cwd: dir, rootDir: dir, name: 'from-config', configFile: join(dir, 'perf.config.ts') })
    // (no package.json or perf.config there: the defaults, named as unperf names a host without one)
    const explicit = run(dir, [bin, 'config', '--json', '--cwd', 'src/deep'], { XDG_CACHE_HOME: xdg })
    expect((JSON.parse(explicit.stdout) as { config: { cwd: string; name: string } }).config).toMatchObject({ cwd: deep, rootDir: deep, name: 'unperf-app' })
  })

  it('unperf init from a subdirectory writes perf.config.ts where it is read from: the project\'s root', () => {
    const dir = tempDir('unperf-project-init-')
    mkdirSync(join(dir, 'src'))
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'init-fixture', version: '1.0.0' }))
    const r = run(join(dir, 'src'), [bin, 'init'], { XDG_CACHE_HOME: join(dir, '.xdg') })
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toContain(`wrote ${join(dir, 'perf.config.ts')}`)
    expect(existsSync(join(dir, 'src', 'perf.config.ts'))).toBe(false)
  })

  it('stops at a repository root without a package.json, never takes the home dir from below it, else keeps the start dir', () => {
    const repo = tempDir('unperf-project-git-')
    mkdirSync(join(repo, '.git'))
    mkdirSync(join(repo, 'a', 'b'), { recursive: true })
    expect(projectDir(join(repo, 'a', 'b'))).toBe(repo)
    // a package.json inside the repository is nearer
    writeFileSync(join(repo, 'a', 'package.json'), '{}')
    expect(projectDir(join(repo, 'a', 'b'))).toBe(join(repo, 'a'))

    const home = tempDir('unperf-project-home-')
    writeFileSync(join(home, 'package.json'), '{}')
    mkdirSync(join(home, 'work', 'sub'), { recursive: true })
    const saved = process.env.HOME
    process.env.HOME = home
    try {
      expect(projectDir(join(home, 'work', 'sub'))).toBe(join(home, 'work', 'sub'))
      expect(projectDir(home)).toBe(home)
    } finally {
      process.env.HOME = saved
    }
  })
})
