import { spawnSync } from 'node:child_process'
import { copyFileSync, cpSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { tempDir } from '../helpers/tmp.js'

// The adapters end a finished CLI the way process.exit() does (src/adapters/fast-exit.ts). A
// preload wraps process.reallyExit (what process.exit() calls) to show whether it ran, and with
// which code: without the fast exit, a CLI whose loop runs dry never calls it.
const repo = resolve(import.meta.dirname, '../..')
const built = existsSync(join(repo, 'dist/citty.mjs')) && existsSync(join(repo, 'dist/commander.mjs'))
const dist = join(import.meta.dirname, `.dist-fast-exit-${process.pid}`)
beforeAll(() => { if (built) cpSync(join(repo, 'dist'), dist, { recursive: true }) })
afterAll(() => rmSync(dist, { recursive: true, force: true }))

function run(env: Record<string, string>) {
  const dir = tempDir('unperf-fast-exit-')
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'fast-exit-host', version: '1.0.0', type: 'module' }))
  writeFileSync(join(dir, 'perf.config.json'), JSON.stringify({ report: { dir: join(dir, 'reports'), console: false } }))
  copyFileSync(join(import.meta.dirname, 'fixtures', 'fast-exit-cli.mjs'), join(dir, 'cli.mjs'))
  writeFileSync(join(dir, 'mark.cjs'), `const real = process.reallyExit
process.reallyExit = function (code) { process.stderr.write('[reallyExit ' + code + ']\\n'); return real.call(this, code) }
`)
  const p = spawnSync(process.execPath, ['--require', join(dir, 'mark.cjs'), join(dir, 'cli.mjs'), 'go'], {
    cwd: dir, encoding: 'utf8', timeout: 60_000,
    env: { ...process.env, UNPERF_REPO: repo, UNPERF_DIST: dist, XDG_CACHE_HOME: join(dir, 'xdg'), NO_COLOR: '1', PERF_ENV: 'production', NODE_ENV: '', ...env },
  })
  const history = readFileSync(join(dir, 'reports', 'history.jsonl'), 'utf8').split('\n').filter(Boolean)
  return { code: p.status, stdout: p.stdout, stderr: p.stderr, history }
}

for (const adapter of ['citty', 'citty-runmain', 'commander']) {
  describe.skipIf(!built)(`fast exit: ${adapter}`, { timeout: 120_000 }, () => {
    it('a finished CLI ends through process.exit()\'s path, after the report and every earlier exit listener', () => {
      const r = run({ ADAPTER: adapter, EARLY: '1' })
      expect(r.code, r.stderr).toBe(0)
      expect(r.stdout).toBe('ran\n')
      expect(r.history).toHaveLength(1)
      expect(r.stderr).toBe('[early listener]\n[reallyExit 0]\n')
    })

    it('keeps the exit code the command set', () => {
      const r = run({ ADAPTER: adapter, EXIT_CODE: '3' })
      expect(r.code, r.stderr).toBe(3)
      expect(r.stderr).toBe('[reallyExit 3]\n')
    })

    it('an exit listener added after it switches it off: node\'s own teardown, the listener runs', () => {
      const r = run({ ADAPTER: adapter, LATE: '1' })
      expect(r.code, r.stderr).toBe(0)
      expect(r.stderr).toBe('[late listener]\n')
      expect(r.history).toHaveLength(1)
    })

    it('an uncaught error after the CLI ended is still printed by node (after the exit listeners), exit 1', () => {
      const r = run({ ADAPTER: adapter, LATE_THROW: '1' })
      expect(r.code).toBe(1)
      expect(r.stderr).toContain('late boom')
      expect(r.stderr).not.toContain('[reallyExit')
      expect(r.history).toHaveLength(1)
    })

    it('fastExit: false keeps node\'s teardown', () => {
      const r = run({ ADAPTER: adapter, FAST_EXIT: '0', EARLY: '1' })
      expect(r.code, r.stderr).toBe(0)
      expect(r.stderr).toBe('[early listener]\n')
      expect(r.history).toHaveLength(1)
    })
  })
}
