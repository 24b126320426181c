/**
 * Edge inputs of the `unperf` CLI as a user types them, through the real binary:
 * - `cache get --json` of a key with no entry printed a bare `null` (exit 1) and nothing on stderr:
 *   now the error's shape every command's `--json` gives (`CacheError`, `E_NO_ENTRY`), the message
 *   on stderr too, for keys with spaces and unicode alike;
 * - a misspelt option or command (`--runz`, `--ignore-failur`, `cahce`, `cache lsit`) listed the
 *   options but did not point at the one meant: now `; did you mean '--runs'?`, as for config keys;
 * - `--cwd` / `--root-dir` naming a file said "there is none": now "it is a file".
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { tempDir } from '../helpers/tmp.js'
import { unperf } from '../helpers/unperf-cli.js'

function project(): string {
  const dir = join(tempDir('unperf-edges-'), 'my project')
  mkdirSync(dir)
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'edges-fixture', version: '1.0.0', type: 'module' }))
  writeFileSync(join(dir, 'perf.config.mjs'), `export default ${JSON.stringify({ cache: { dir: join(dir, 'cache') }, report: { dir: join(dir, 'reports'), console: false } })}\n`)
  return dir
}

describe('unperf CLI edge inputs', () => {
  it('cache get --json of a missing key gives { error } and says so on stderr (exit 1)', () => {
    const dir = project()
    for (const key of ['a key with spaces', '日本語のキー']) {
      const r = unperf(dir, 'cache', 'get', key, '--json')
      expect(r.code).toBe(1)
      expect(r.json()).toEqual({ error: { name: 'CacheError', code: 'E_NO_ENTRY', message: `no entry for '${key}'` } })
      expect(r.stderr).toContain(`[unperf] no entry for '${key}'`)
      // text output unchanged
      const t = unperf(dir, 'cache', 'get', key)
      expect([t.code, t.stdout, t.stderr.trim()]).toEqual([1, '', `[unperf] no entry for '${key}'`])
    }
  })

  it('a misspelt option or command gets a did-you-mean (exit 2), --json too', () => {
    const dir = project()
    const cases: Array<[string[], string]> = [
      [['bench', '--runz', '3', 'true'], "unknown option '--runz'"],
      [['bench', '--runz=3', 'true'], "unknown option '--runz'"],
      [['bench', '--ignore-failur', 'true'], "unknown option '--ignore-failur'"],
      [['cahce', 'info'], "unknown command 'cahce'"],
      [['cache', 'lsit'], "unknown command 'lsit'"],
    ]
    const meant = ['--runs', '--runs', '--ignore-failure', 'cache', 'list']
    cases.forEach(([args, what], i) => {
      const r = unperf(dir, ...args)
      expect(r.code).toBe(2)
      expect(r.stdout).toBe('')
      expect(r.stderr).toContain(what)
      expect(r.stderr).toContain(`; did you mean '${meant[i]}'?`)
      const j = unperf(dir, ...args, '--json')
      expect(j.code).toBe(2)
      expect((j.json() as { error: { message: string } }).error.message).toMatch(new RegExp(`${what}.*; did you mean '${meant[i]}'\\?$`))
    })
    // nothing close: no guess
    const far = unperf(dir, 'cache', 'info', '--bogus')
    expect(far.code).toBe(2)
    expect(far.stderr).not.toContain('did you mean')
  })

  it('--cwd or --root-dir naming a file says it is a file; a missing one that there is none', () => {
    const dir = project()
    const file = join(dir, 'package.json')
    const r = unperf(dir, 'config', '--cwd', file, '--json')
    expect(r.code).toBe(2)
    expect(r.json()).toMatchObject({ error: { name: 'UsageError', code: 'E_BAD_CWD', message: `--cwd ${file}: expected a directory, it is a file` } })
    expect(unperf(dir, 'config', '--cwd', join(dir, 'nope')).stderr).toContain(`--cwd ${join(dir, 'nope')}: expected a directory, there is none`)
    const root = unperf(dir, 'config', '--root-dir', file)
    expect(root.code).toBe(2)
    expect(root.stderr).toContain(`--root-dir ${file}: expected a directory, it is a file`)
  })
})

describe('an option given an empty value', () => {
  it("`--env ''` (an unset shell variable) is refused as `--env=` is, not run as the default env (exit 2)", () => {
    const dir = project()
    for (const args of [['config', '--env', ''], ['config', '--env='], ['cache', 'clear', '--key', ''], ['bench', '--prepare', '', 'true']]) {
      const r = unperf(dir, ...args)
      expect(r.code, args.join(' ')).toBe(2)
      expect(r.stdout).toBe('')
      expect(r.stderr).toMatch(/: --(env|key|prepare) expects a value, got an empty value/)
      const j = unperf(dir, ...args, '--json')
      expect(j.code).toBe(2)
      expect(j.json()).toMatchObject({ error: { name: 'UsageError', code: 'E_USAGE' } })
    }
  })
})

describe('shard --json with no test files', () => {
  it('says why on stderr and gives the error beside the plan (exit 1), as the text output does', () => {
    const dir = project()
    const r = unperf(dir, 'shard', '--total', '2', '--index', '1', '--json', 'nothing/**/*.test.ts')
    expect(r.code).toBe(1)
    expect(r.stderr).toContain(`[unperf] shard: no test files found in ${dir}`)
    expect(r.json()).toMatchObject({ files: [], error: { name: 'ShardError', code: 'E_NO_TEST_FILES', message: expect.stringContaining('no test files found') } })
    const t = unperf(dir, 'shard', '--total', '2', '--index', '1', 'nothing/**/*.test.ts')
    expect([t.code, t.stdout]).toEqual([1, ''])
    expect(t.stderr).toContain('[unperf] shard: no test files found')
  })
})

describe('bench --baseline that cannot be read', () => {
  it('says why in words (no such file, a directory), exit 2 before anything runs', () => {
    const dir = project()
    const missing = unperf(dir, 'bench', '--baseline', 'nope.json', 'true')
    expect(missing.code).toBe(2)
    expect(missing.stderr).toContain(`[unperf] --baseline ${join(dir, 'nope.json')}: cannot be read: no such file`)
    const isDir = unperf(dir, 'bench', '--baseline', '.', '--json', 'true')
    expect(isDir.code).toBe(2)
    expect(isDir.json()).toMatchObject({ error: { code: 'E_USAGE', message: `--baseline ${dir}: cannot be read: a directory, expected a --save-baseline JSON file` } })
  })
})
