/**
 * unperf/citty's `--no-cache` in a host's `--help`: listed once, as `--no-cache` with what it does.
 * It was a `cache` arg with `default: true`, which citty 0.2 lists twice, `--cache  Use the cache
 * (Default: true)` and `--no-cache`: a line of clutter in every command's help of the host.
 * `--no-cache` still works before or after the subcommand, and `args.cache` is still true without it.
 */
import { spawnSync } from 'node:child_process'
import { copyFileSync, cpSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { tempDir } from '../helpers/tmp.js'

const repo = resolve(import.meta.dirname, '../..')
const built = existsSync(join(repo, 'dist/citty.mjs'))
// a private copy of dist, as in adapters.test.ts: another build must not swap files under the fixture
const dist = join(import.meta.dirname, `.dist-help-${process.pid}`)
beforeAll(() => { if (built) cpSync(join(repo, 'dist'), dist, { recursive: true }) })
afterAll(() => rmSync(dist, { recursive: true, force: true }))

function host(): (args: string[], env?: Record<string, string>) => { code: number | null; stdout: string; stderr: string } {
  const dir = tempDir('unperf-citty-help-')
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'help-host', version: '1.0.0', type: 'module' }))
  writeFileSync(join(dir, 'perf.config.json'), JSON.stringify({ cache: { dir: join(dir, 'cache') }, report: { dir: join(dir, 'reports'), console: false } }))
  mkdirSync(join(dir, 'bin'))
  copyFileSync(join(import.meta.dirname, 'fixtures/citty-cli.mjs'), join(dir, 'bin/cli.mjs'))
  return (args, env = {}) => {
    const p = spawnSync(process.execPath, [join(dir, 'bin/cli.mjs'), ...args], {
      cwd: dir, encoding: 'utf8', timeout: 60_000,
      env: { ...process.env, UNPERF_REPO: repo, UNPERF_DIST: dist, XDG_CACHE_HOME: join(dir, 'xdg'), NO_COLOR: '1', PERF_ENV: 'production', NODE_ENV: '', ...env },
    })
    return { code: p.status, stdout: p.stdout, stderr: p.stderr }
  }
}

for (const [label, env] of [['unperf/citty runMain', {}], ["citty's own runMain", { MODE: 'citty-runmain' }]] as const) {
  describe.skipIf(!built)(`--no-cache in --help (${label})`, { timeout: 120_000 }, () => {
    it('the root, a command and a nested one list --no-cache once, described, and no --cache', () => {
      const run = host()
      for (const args of [['--help'], ['ok', '--help'], ['cache', 'clear', '--help']]) {
        const r = run(args, env)
        expect(r.code, r.stderr).toBe(0)
        const lines = r.stdout.split('\n').filter(l => /--(no-)?cache\b/.test(l))
        expect(lines, args.join(' ')).toEqual([expect.stringMatching(/^ +--no-cache +Skip the cache for this run \(unperf\)$/)])
        expect(r.stdout).not.toContain('Default: true')
      }
    })

    it('--no-cache before or after the subcommand turns the cache off; args.cache is true without it', () => {
      const run = host()
      expect(run(['flags'], env).stdout).toContain('flags args.cache=true enabled=true')
      expect(run(['flags', '--no-cache'], env).stdout).toContain('flags args.cache=false enabled=false')
      expect(run(['--no-cache', 'flags'], env).stdout).toContain('flags args.cache=false enabled=false')
    })
  })
}

describe.skipIf(!built)("--no-cache with citty's runCommand(main, { rawArgs })", { timeout: 120_000 }, () => {
  // perf was created (while citty resolved the root's args) from process.argv, not the arguments
  // runCommand was given: args.cache said false while unperf's cache stayed on
  it('in the given arguments, before or after the subcommand, it turns the cache off; without it the cache is on', () => {
    const run = host()
    const withArgs = (args: string[]) => run([], { MODE: 'run-command', RAW_ARGS: JSON.stringify(args) })
    expect(withArgs(['flags']).stdout).toContain('flags args.cache=true enabled=true')
    expect(withArgs(['flags', '--no-cache']).stdout).toContain('flags args.cache=false enabled=false')
    expect(withArgs(['--no-cache', 'flags']).stdout).toContain('flags args.cache=false enabled=false')
    // and not from the process's own arguments
    expect(run(['--no-cache'], { MODE: 'run-command', RAW_ARGS: '["flags"]' }).stdout).toContain('flags args.cache=true enabled=true')
  })
})
