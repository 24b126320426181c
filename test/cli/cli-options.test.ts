/**
 * The built `unperf` CLI as a child process: an option a command does not define is a usage error
 * (exit 2) instead of being ignored, and an option given before a subcommand's name still counts.
 */
import { spawnSync } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { tempDir } from '../helpers/tmp.js'
import { bin, unperf } from '../helpers/unperf-cli.js'


describe('unperf CLI options', () => {
  let dir: string
  beforeAll(() => {
    dir = tempDir('unperf-cli-options-')
    mkdirSync(join(dir, 'node_modules'))
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'options-fixture', version: '1.0.0', type: 'module' }))
    writeFileSync(join(dir, 'perf.config.ts'), `export default { cache: { driver: 'fs' }, report: { console: false } }`)
  })

  it('an unknown option exits 2 naming it, for every kind of command, before the command runs', () => {
    for (const args of [['cache', 'info', '--bogus'], ['--bogus', 'cache', 'info'], ['config', '--verbose'], ['budget', '--strict'], ['doctor', '-x'], ['bench', '--run', '3', 'true'], ['tests', 'slow', '--fast']]) {
      const r = unperf(dir, ...args)
      expect(r.code, args.join(' ')).toBe(2)
      const bad = args.find(a => a.startsWith('-'))!
      expect(r.stderr, args.join(' ')).toContain(`unknown option '${bad}'`)
      expect(r.stdout, args.join(' ')).not.toContain('Time (mean')
    }
    const json = unperf(dir, 'cache', 'list', '--json', '--expird')
    expect(json.code).toBe(2)
    expect(json.json().error).toMatchObject({ name: 'UsageError', code: 'E_UNKNOWN_OPTION' })
    expect(json.json().error.message).toContain("'--expird'")
  })

  it('profile and bench point at --: options for the command itself go after it', () => {
    const r = unperf(dir, 'profile', 'node', '-e', '1')
    expect(r.code).toBe(2)
    expect(r.stderr).toContain(`unknown option '-e'`)
    expect(r.stderr).toContain(`after '--'`)
  })

  it('known options in every spelling still work: --x=v, --no-x, aliases, a value that starts with -', () => {
    expect(unperf(dir, 'cache', 'list', '--no-expired', '--json').code).toBe(0)
    expect(unperf(dir, 'cache', 'list', '--namespace=default', '--json').code).toBe(0)
    const bench = unperf(dir, 'bench', '-i', '--runs=2', '--warmup', '0', '--json', 'exit 3')
    expect(bench.code).toBe(0) // -i = --ignore-failure
    expect(bench.json().results[0].exit_codes).toEqual([3, 3])
    // '-x' is --prepare's value, not an option: the prepare command fails (exit 1), not the usage (2)
    const prep = unperf(dir, 'bench', '--runs', '2', '--warmup', '0', '--prepare', '-x', 'true')
    expect(prep.code).toBe(1)
    expect(prep.stderr).toContain('--prepare command exited')
  })

  it('an option that takes a value given without one is bad usage (exit 2), not a value named after the next option', () => {
    // `--env --json` ran with an env named '--json' and printed text (exit 0); `--namespace --json`
    // listed a namespace '--json'; `--env` last on the line ran in production without a word
    for (const [args, option, got] of [
      [['config', '--env', '--json'], '--env', "the option '--json'"], [['cache', 'info', '--namespace', '--json'], '--namespace', "the option '--json'"],
      [['config', '--env'], '--env', 'nothing'], [['config', '--cwd', '--', 'x'], '--cwd', 'nothing'], [['config', '--env=', '--json'], '--env', 'an empty value'],
      [['cache', 'clear', '--key', '--yes'], '--key', "the option '--yes'"], [['shard', '--total', '2', '--index'], '--index', 'nothing'],
    ] as const) {
      const r = unperf(dir, ...args)
      expect(r.code, args.join(' ')).toBe(2)
      expect(r.stderr, args.join(' ')).toContain(`${option} expects a value, got ${got}`)
      if ((args as readonly string[]).includes('--json')) expect(r.json().error).toMatchObject({ name: 'UsageError', code: 'E_USAGE' })
    }
    // a value that starts with '-' is still a value; an option before the command's name still counts
    expect(unperf(dir, '--env', 'ci', 'config', '--json').json().config.env).toBe('ci')
    expect(unperf(dir, 'cache', '--namespace', 'default', 'list', '--json').code).toBe(0)
  })

  it('a switch given a value is bad usage (exit 2), before the command runs: `cache clear --all --yes=no` cleared everything', () => {
    // citty read `--yes=no` as the string 'no' (truthy): every namespace cleared, exit 0
    const project = tempDir('unperf-cli-switch-')
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'switch-fixture', version: '1.0.0', type: 'module' }))
    writeFileSync(join(project, 'perf.config.mjs'), `export default { cache: { driver: 'fs' }, report: { console: false } }`)
    writeFileSync(join(project, 'store.mjs'), `import { createPerf } from ${JSON.stringify(join(import.meta.dirname, '../../dist/index.mjs'))}
      const perf = await createPerf(); await perf.cache.set('k', 'v'); await perf.close()`)
    expect(spawnSync(process.execPath, ['store.mjs'], { cwd: project, encoding: 'utf8', env: { ...process.env, XDG_CACHE_HOME: join(project, '.xdg') } }).status).toBe(0)
    for (const [args, option, value] of [
      [['cache', 'clear', '--all', '--yes=no', '--json'], '--yes', 'no'], [['cache', 'clear', '--all', '--yes=0'], '--yes', '0'],
      [['cache', 'clear', '--all', '--yes=false'], '--yes', 'false'], [['init', '--force=no'], '--force', 'no'],
      [['cache', 'list', '--expired=maybe', '--json'], '--expired', 'maybe'], [['doctor', '--json=no'], '--json', 'no'],
    ] as const) {
      const r = unperf(project, ...args)
      expect(r.code, args.join(' ')).toBe(2)
      expect(r.stderr, args.join(' ')).toContain(`${option} takes no value, got '${value}' (give ${option}, or leave it out)`)
      if ((args as readonly string[]).includes('--json')) expect(r.json().error).toMatchObject({ name: 'UsageError', code: 'E_USAGE' })
    }
    expect(unperf(project, 'cache', 'get', 'k').stdout).toBe('v\n')
    // a value option's value that looks like a switch is the value (bench's --prepare: a command)
    const prep = unperf(project, 'bench', '--runs', '2', '--warmup', '0', '--prepare', '--json=1', 'true')
    expect(prep.stderr).not.toContain('takes no value')
  })

  it('usage and citty errors carry no color codes off a TTY, NO_COLOR unset, nor ever in JSON', () => {
    const env: NodeJS.ProcessEnv = { ...process.env, XDG_CACHE_HOME: join(dir, '.xdg') }
    delete env.NO_COLOR
    delete env.CI
    delete env.TEST
    for (const args of [['--help'], ['cache', '--help'], ['cache', 'frobnicate'], ['budget', '--nope'], ['cache', 'frobnicate', '--json']]) {
      const r = spawnSync(process.execPath, [bin, ...args], { cwd: dir, encoding: 'utf8', env })
      expect(r.stdout + r.stderr, args.join(' ')).not.toContain('\x1b[')
      expect(r.stdout + r.stderr, args.join(' ')).toMatch(/USAGE|Unknown command|unknown option/)
    }
  })

  it('an option given before the subcommand name is not dropped: unperf cache --json info', () => {
    const r = unperf(dir, 'cache', '--json', 'info')
    expect(r.code).toBe(0)
    expect(r.json().namespaces.map((n: { namespace: string }) => n.namespace)).toContain('default')
    const elsewhere = tempDir('unperf-cli-options-elsewhere-')
    const ns = unperf(elsewhere, '--cwd', dir, 'cache', '--namespace', 'default', 'info', '--json')
    expect(ns.code).toBe(0)
    expect(ns.json().namespaces.map((n: { namespace: string }) => n.namespace)).toEqual(['default'])
  })
})
