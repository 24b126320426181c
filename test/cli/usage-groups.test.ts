/**
 * Usage problems below the first level said as at the top: `unperf cache` and `unperf tests
 * frobnicate` gave citty's own 'No command specified.' / 'Unknown command frobnicate' (a `CLIError`
 * in --json) where `unperf` and `unperf frobnicate` name the commands there are (a `UsageError`).
 * `unperf tests merge --help` did not show the files it takes. `unperf doctor --json` with a bad
 * config left stderr empty, where every command's --json error is said there too. Real child processes.
 */
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { tempDir } from '../helpers/tmp.js'
import { unperf } from '../helpers/unperf-cli.js'

describe('a command group without its command', () => {
  const CASES: Array<[string[], string, string]> = [
    [['cache'], 'E_NO_COMMAND', 'unperf cache: no command given (commands: info, list, get, clear, prune, verify, stats)'],
    [['cache', 'frobnicate'], 'E_UNKNOWN_COMMAND', "unperf cache: unknown command 'frobnicate' (commands: info, list, get, clear, prune, verify, stats)"],
    [['tests'], 'E_NO_COMMAND', 'unperf tests: no command given (commands: flaky, slow, merge)'],
    [['tests', 'frobnicate'], 'E_UNKNOWN_COMMAND', "unperf tests: unknown command 'frobnicate' (commands: flaky, slow, merge)"],
  ]

  it.each(CASES)('unperf %j: names the group\'s commands, exit 2, the usage on stderr, stdout empty', (args, code, message) => {
    const dir = tempDir('unperf-usage-group-')
    const r = unperf(dir, ...args)
    expect(r.code).toBe(2)
    expect(r.stdout).toBe('')
    expect(r.stderr).toContain(`USAGE unperf ${args[0]} `)
    expect(r.stderr.trim().split('\n').at(-1)).toBe(`[unperf] ${message}`)
    const json = unperf(dir, ...args, '--json')
    expect(json.code).toBe(2)
    expect(json.json()).toEqual({ error: { name: 'UsageError', code, message } })
  })

  it('a group\'s command still runs, options before its name included', () => {
    const dir = tempDir('unperf-usage-group-')
    expect(unperf(dir, 'cache', '--json', 'list').json()).toEqual([])
  })
})

describe('unperf tests merge --help', () => {
  it('shows the files it takes', () => {
    const r = unperf(tempDir('unperf-usage-merge-'), 'tests', 'merge', '--help')
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/USAGE unperf tests merge \[OPTIONS\] \[FILES\]/)
    expect(r.stdout).toMatch(/FILES\s+The tests\.jsonl files to merge/)
  })
})

describe('unperf doctor --json with a bad config', () => {
  it('says the config error on stderr too, as every command does with --json', () => {
    const dir = tempDir('unperf-doctor-json-stderr-')
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'doctor-json', version: '1.0.0' }))
    writeFileSync(join(dir, 'perf.config.json'), JSON.stringify({ cache: { ttl: 0 } }))
    const r = unperf(dir, 'doctor', '--json')
    expect(r.code).toBe(2)
    expect(r.json().error).toMatchObject({ name: 'ConfigError', code: 'E_CONFIG' })
    expect(r.stderr).toContain('cache.ttl')
  })
})
