/**
 * `unperf config --env nope` (and `doctor`) when no layer has a `$env.nope` block: exit 0,
 * as an env without a block is legitimate (no overrides), but with a warning naming the env and the
 * blocks the config does have. It said nothing, so `--env prod` for `$production` passed silently.
 */
import { describe, expect, it } from 'vitest'
import { projectWith } from '../helpers/project.js'
import { unperf } from '../helpers/unperf-cli.js'

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
    for (const args of [['--env', 'ci'], ['--env', 'development'], []]) {
      const r = unperf(dir, 'config', ...args)
      expect(r.code, r.stderr).toBe(0)
      expect(r.stderr, args.join(' ')).toBe('')
      expect(unperf(dir, 'config', ...args, '--json').json().warnings).toEqual([])
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
