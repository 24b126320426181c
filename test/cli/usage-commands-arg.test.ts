/**
 * `unperf bench --help` and `unperf profile --help` name what they run: their usage line said only
 * `unperf bench [OPTIONS]`, so `--help` never told how to pass the commands (`-- node ...` for profile).
 */
import { describe, expect, it } from 'vitest'
import { tempDir } from '../helpers/tmp.js'
import { unperf } from '../helpers/unperf-cli.js'

describe('usage of the commands that run other commands', () => {
  it('bench --help shows the commands argument with an example', () => {
    const r = unperf(tempDir('unperf-usage-bench-'), 'bench', '--help')
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/USAGE unperf bench \[OPTIONS\] \[COMMANDS\]/)
    expect(r.stdout).toMatch(/COMMANDS\s+Shell commands to compare.*unperf bench 'node cli\.mjs build'/)
  })

  it('profile --help shows the command after --, with an example', () => {
    const r = unperf(tempDir('unperf-usage-profile-'), 'profile', '--help')
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/USAGE unperf profile \[OPTIONS\] \[COMMAND\]/)
    expect(r.stdout).toContain('unperf profile -- node cli.mjs build')
  })

  it('both still run what they are given', () => {
    const dir = tempDir('unperf-usage-run-')
    const b = unperf(dir, 'bench', 'node -e 0', 'node -e 1', '--runs', '1', '--warmup', '0', '--json')
    expect(b.code, b.stderr).toBe(0)
    expect((b.json() as { results: { command: string }[] }).results.map(x => x.command)).toEqual(['node -e 0', 'node -e 1'])
    const p = unperf(dir, 'profile', '--json', '--', process.execPath, '-e', '0')
    expect(p.code, p.stderr).toBe(0)
    expect((p.json() as { exitCode?: number }).exitCode ?? 0).toBe(0)
  })
})
