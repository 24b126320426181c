/**
 * `unperf config --env nope` (and `doctor`) when no layer has a `$env.nope` block: exit 0,
 * as an env without a block is legitimate (no overrides), but with a warning naming the env and the
 * blocks the config does have. It said nothing, so `--env prod` for `$production` passed silently.
 */
import { describe, expect, it } from 'vitest'
import { projectWith } from '../helpers/project.js'
import { unperf, unperfWithEnv } from '../helpers/unperf-cli.js'

const config = `export default {
  cache: { driver: 'memory' },
  $development: { cache: { ttl: '1m' } },
  $env: { ci: { cache: { ttl: '2m' } } },
}`

describe('--env without a block in the config', () => {
  it('unperf config: a warning on stderr, `warnings` in --json, exit 0', () => {
    const dir = projectWith(config)
    const text = unperf(dir, 'config', '--env', 'nope')
    expect(text.code, text.stderr).toBe(0)
    expect(text.stderr).toContain('--env nope: the config has no $env.nope block, so nothing is overridden')
    expect(text.stderr).toContain('its env blocks: $development, $env.ci')
    const json = unperf(dir, 'config', '--env', 'nope', '--json')
    expect(json.code).toBe(0)
    expect(json.json().warnings).toEqual([expect.stringContaining('--env nope: the config has no $env.nope block')])
    // `$nope` is no block a config can have (a config error: other envs go under $env); the three named ones are
    expect(unperf(dir, 'config', '--env', 'test').stderr).toContain('--env test: the config has no $env.test (or $test) block')
  })

  it('no warning for an env the config has a block for, either form, nor without --env', () => {
    const dir = projectWith(config)
    // not on a CI machine (CI=true there: see below)
    const noCi = { CI: undefined }
    for (const args of [['--env', 'ci'], ['--env', 'development'], []]) {
      const r = unperfWithEnv(dir, noCi, 'config', ...args)
      expect(r.code, r.stderr).toBe(0)
      expect(r.stderr, args.join(' ')).toBe('')
      expect(unperfWithEnv(dir, noCi, 'config', ...args, '--json').json().warnings).toEqual([])
    }
  })

  it('unperf budget (the CI gate) warns too: `--env cii` checked the default budgets, not $env.ci\'s, without a word', () => {
    const dir = projectWith(config)
    const r = unperf(dir, 'budget', '--env', 'cii', '--json')
    expect(r.code).toBe(1) // no run recorded
    expect(r.stderr).toContain('[unperf] warning: --env cii: the config has no $env.cii block, so nothing is overridden (its env blocks: $development, $env.ci)')
    expect(() => r.json()).not.toThrow()
    expect(unperfWithEnv(dir, { CI: undefined }, 'budget', '--env', 'ci').stderr).not.toContain('warning')
  })

  it('the cache commands and report warn too: `cache clear --all --yes --env cii` cleared the default tiers, not $env.ci\'s, without a word', () => {
    const dir = projectWith(config)
    for (const args of [['cache', 'clear', '--all', '--yes'], ['cache', 'info'], ['cache', 'stats'], ['report']]) {
      const r = unperf(dir, ...args, '--env', 'cii', '--json')
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(0)
      expect(r.stderr, args.join(' ')).toContain('[unperf] warning: --env cii: the config has no $env.cii block, so nothing is overridden (its env blocks: $development, $env.ci)')
      // stdout stays the document alone
      expect(() => r.json(), r.stdout).not.toThrow()
      expect(unperfWithEnv(dir, { CI: undefined }, ...args, '--env', 'ci').stderr, args.join(' ')).not.toContain('warning')
    }
  })

  it('monitor, tests and shard warn too: `monitor --env cii` sampled with the default monitors config, not $env.ci\'s, without a word', () => {
    const dir = projectWith(config)
    for (const args of [['monitor', '--count', '1', '--interval', '20ms', '--json'], ['tests', 'flaky', '--json'], ['tests', 'slow', '--json'], ['tests', 'merge', 'none.jsonl', '--json'], ['shard', '--total', '2', '--index', '1', '--json']]) {
      const r = unperf(dir, ...args, '--env', 'cii')
      expect(r.stderr, args.join(' ')).toContain('[unperf] warning: --env cii: the config has no $env.cii block, so nothing is overridden (its env blocks: $development, $env.ci)')
      // stdout stays the document (monitor: JSON lines) alone
      expect(() => args[0] === 'monitor' ? r.stdout.trim().split('\n').map(line => JSON.parse(line)) : r.json(), r.stdout).not.toThrow()
      expect(unperfWithEnv(dir, { CI: undefined }, ...args, '--env', 'ci').stderr, args.join(' ')).not.toContain('warning: --env')
    }
  })

  it('a config without env blocks says so', () => {
    const r = unperf(projectWith(`export default { cache: { driver: 'memory' } }`), 'config', '--env', 'staging', '--json')
    expect(r.json().warnings).toEqual([expect.stringContaining('(it has no env blocks)')])
  })

  it('unperf doctor: a warning row (not a problem: exit 0) and `warnings` in --json', () => {
    const dir = projectWith(config)
    const text = unperf(dir, 'doctor', '--env', 'nope')
    expect(text.stdout).toMatch(/^! env +--env nope: the config has no \$env\.nope/m)
    const json = unperf(dir, 'doctor', '--env', 'nope', '--json').json() as { ok: boolean; warnings: string[] }
    expect(json.warnings).toEqual([expect.stringContaining('its env blocks: $development, $env.ci')])
    expect(json.ok).toBe(true)
  })
})

/**
 * API.md's sample has `$env: { ci: ... }` (budgets.mode 'error', the shared Redis), but the env is
 * PERF_ENV, else NODE_ENV, else production: with CI=true alone (every CI service sets it) the block
 * is not applied, and nothing said so. `unperf config` and `unperf doctor` now do.
 */
describe('CI set, but the env is not ci', () => {
  const onCi = (env: Record<string, string | undefined>) => ({ PERF_ENV: undefined, NODE_ENV: undefined, ...env })

  it('unperf config and doctor warn that $env.ci is not applied, and say how to choose it', () => {
    const dir = projectWith(config)
    const text = unperfWithEnv(dir, onCi({ CI: 'true' }), 'config')
    expect(text.code, text.stderr).toBe(0)
    expect(text.stderr).toContain("CI=true but the env is 'production' (the default: neither PERF_ENV nor NODE_ENV is set), so the config's $env.ci block is not applied")
    expect(text.stderr).toContain('set PERF_ENV=ci in the CI job')
    const json = unperfWithEnv(dir, onCi({ CI: '1', NODE_ENV: 'development' }), 'config', '--json').json()
    expect(json.config.env).toBe('development')
    expect(json.warnings).toEqual([expect.stringContaining("CI=1 but the env is 'development' (from NODE_ENV=development)")])
    const doctor = unperfWithEnv(dir, onCi({ CI: 'true' }), 'doctor', '--json')
    expect(doctor.json().warnings).toEqual([expect.stringContaining("the config's $env.ci block is not applied")])
    expect(doctor.json().ok).toBe(true)
  })

  it('no warning with PERF_ENV=ci, with --env, with CI=false, or without a $env.ci block', () => {
    const dir = projectWith(config)
    for (const env of [{ CI: 'true', PERF_ENV: 'ci' }, { CI: 'false' }, { CI: '0' }, { CI: '' }]) {
      expect(unperfWithEnv(dir, onCi(env), 'config', '--json').json().warnings, JSON.stringify(env)).toEqual([])
    }
    expect(unperfWithEnv(dir, onCi({ CI: 'true' }), 'config', '--env', 'development', '--json').json().warnings).toEqual([])
    const plain = projectWith(`export default { cache: { driver: 'memory' }, $development: { cache: { ttl: '1m' } } }`)
    expect(unperfWithEnv(plain, onCi({ CI: 'true' }), 'config', '--json').json().warnings).toEqual([])
  })
})
