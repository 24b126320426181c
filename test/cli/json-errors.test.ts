/**
 * `--json` errors have one shape for every command: `{ error: { name, code, message, issues?, exitCode?, signal? } }`
 * on stdout (monitor's JSON lines: `{ type: 'error', error }`), the message also on stderr. Some
 * messages carried the `[unperf] ` prefix (errors thrown by a command: UsageError, ConfigError,
 * BenchCommandError), others not (usage problems found before it ran, citty's, budget's); an error
 * that was not unperf's had no `code`; `doctor --json` with a bad config exited 2 with no `error`.
 */
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { jsonError } from '../../src/cli-errors.js'
import { tempDir } from '../helpers/tmp.js'
import { unperf } from '../helpers/unperf-cli.js'

function expectShape(error: Record<string, unknown>, label: string): void {
  // issues: a config error's; exitCode and signal: a failed command's (bench, profile)
  expect(Object.keys(error).filter(k => !['issues', 'exitCode', 'signal'].includes(k)).sort(), label).toEqual(['code', 'message', 'name'])
  if ('exitCode' in error) expect(typeof error.exitCode, label).toBe('number')
  for (const key of ['name', 'code', 'message']) expect(typeof error[key], `${label}: ${key}`).toBe('string')
  expect(error.message, label).not.toMatch(/^\[unperf\]/)
  expect(error.message, label).not.toMatch(/\x1b\[/)
}

describe('--json errors', () => {
  it('one shape, no [unperf] prefix in the message, the message on stderr too', () => {
    const dir = tempDir('unperf-json-errors-')
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'json-errors' }))
    const cases: Array<[string[], number, string, string]> = [
      [['frobnicate'], 2, 'UsageError', 'E_UNKNOWN_COMMAND'],
      [['cache', 'get'], 2, 'UsageError', 'E_MISSING_ARGUMENT'],
      [['shard', '--total', '2'], 2, 'UsageError', 'E_MISSING_ARGUMENT'],
      [['bench'], 2, 'UsageError', 'E_USAGE'],
      [['bench', '--runs', 'x', 'true'], 2, 'UsageError', 'E_USAGE'],
      [['bench', '--warmup', '0', 'exit 3'], 1, 'BenchCommandError', 'E_BENCH_COMMAND_FAILED'],
      [['profile', '--', 'unperf-no-such-command'], 127, 'ProfileCommandError', 'E_COMMAND_NOT_RUN'],
      [['budget'], 1, 'BudgetError', 'E_NO_RUN'],
      [['--cwd', join(dir, 'nowhere'), 'config'], 2, 'UsageError', 'E_BAD_CWD'],
    ]
    for (const [args, code, name, errorCode] of cases) {
      const label = args.join(' ')
      const r = unperf(dir, '--json', ...args)
      expect(r.code, `${label}: ${r.stderr}`).toBe(code)
      const { error } = r.json() as { error: Record<string, unknown> }
      expectShape(error, label)
      expect(error, label).toMatchObject({ name, code: errorCode })
      expect(r.stderr, label).toContain(String(error.message).split('\n')[0])
    }
  })

  it('a config error: the same shape with its issues, for every command that reads the config, doctor included', () => {
    const dir = tempDir('unperf-json-config-errors-')
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'json-errors' }))
    writeFileSync(join(dir, 'perf.config.mjs'), `export default { cache: { ttl: '10 parsecs' } }\n`)
    for (const command of [['config'], ['cache', 'info'], ['budget'], ['report'], ['doctor']]) {
      const label = command.join(' ')
      const r = unperf(dir, ...command, '--json')
      expect(r.code, label).toBe(2)
      const { error } = r.json() as { error: Record<string, unknown> }
      expectShape(error, label)
      expect(error, label).toMatchObject({ name: 'ConfigError', code: 'E_CONFIG', message: expect.stringMatching(/^invalid config:\n {2}- perf\.config\.mjs:1:\d+: cache\.ttl: /), issues: [{ path: 'cache.ttl', line: 1 }] })
    }
    // doctor's checks say it without the prefix as well
    const doctor = unperf(dir, 'doctor', '--json').json() as { checks: Array<{ check: string; detail: string }> }
    expect(doctor.checks.find(c => c.check === 'config')!.detail).toMatch(/^invalid config:/)
    // monitor's JSON lines: one line, the same error
    const monitor = unperf(dir, 'monitor', '--json')
    expect(monitor.code).toBe(2)
    const line = JSON.parse(monitor.stdout.trim().split('\n')[0]!) as { type: string; error: Record<string, unknown> }
    expect(line.type).toBe('error')
    expectShape(line.error, 'monitor')
  })

  it('an error that is not unperf\'s: a name and a code all the same', () => {
    expect(jsonError(new TypeError('x is not a function'))).toEqual({ name: 'TypeError', code: 'E_UNEXPECTED', message: 'x is not a function' })
    expect(jsonError(Object.assign(new Error('open failed'), { code: 'EACCES' }))).toEqual({ name: 'Error', code: 'EACCES', message: 'open failed' })
    expect(jsonError('a string thrown')).toEqual({ name: 'Error', code: 'E_UNEXPECTED', message: 'a string thrown' })
  })
})
