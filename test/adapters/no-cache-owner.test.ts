/**
 * `--no-cache` switches unperf's cache off only when it is the host's own flag, as the CLI's
 * framework parses it: a `--no-cache` handed to a tool the CLI runs (after `--`, after a
 * commander subcommand with passThroughOptions() or allowUnknownOption() under
 * enablePositionalOptions(), the value of an option) leaves it on. A host's own `--no-cache` on a
 * subcommand stays the subcommand's.
 */
import { describe, expect, it } from 'vitest'
import { built, host } from './_host.js'

describe.skipIf(!built)('commander: whose --no-cache it is', { timeout: 120_000 }, () => {
  it.each([
    // [args, env, the cache on for unperf, what the tool got]
    [['run', 'node', 'x', '--no-cache'], {}, true, 'run ["node","x","--no-cache"]'],
    [['run', '--', 'node', 'x', '--no-cache'], {}, true, 'run ["node","x","--no-cache"]'],
    [['exec', 'npm', '--no-cache'], {}, true, 'exec ["npm","--no-cache"]'],
    [['exec', '--no-cache', 'npm'], {}, true, 'exec ["--no-cache","npm"]'],
    [['--name', '--no-cache', 'exec'], {}, true, 'exec []'],
    [['--no-cache', 'exec', 'npm'], {}, false, 'exec ["npm"]'],
    // commander's default: the program takes its options anywhere before `--`
    [['exec', 'npm', '--no-cache'], { POSITIONAL: '0' }, false, 'exec ["npm"]'],
    [['exec', '--', 'npm', '--no-cache'], { POSITIONAL: '0' }, true, 'exec ["npm","--no-cache"]'],
  ] as const)('%j %j: unperf cache on: %s', (args, env, enabled, tool) => {
    const r = host('commander-passthrough.mjs').run([...args], env)
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toContain(`${tool} unperf-cache=${enabled} host-cache=${enabled}`)
  })
})

describe.skipIf(!built)("commander: a subcommand's own --no-cache", { timeout: 120_000 }, () => {
  // the program's option (commander's default takes it anywhere) took it: the subcommand never saw it
  it.each([[{ POSITIONAL: '0' }], [{}]])('%j: the subcommand gets it; it is the host\'s flag, so the cache is off too', (env) => {
    const h = host('commander-passthrough.mjs')
    const r = h.run(['build', '--no-cache'], { ...env, OWN_FLAG: '1' })
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toContain('build own-cache=false unperf-cache=false')
    expect(h.run(['build'], { ...env, OWN_FLAG: '1' }).stdout).toContain('build own-cache=true unperf-cache=true')
    // the program then has no --no-cache of unperf's: it would take the subcommand's
    expect(h.run(['--help'], { ...env, OWN_FLAG: '1' }).stdout).not.toContain('--no-cache')
  })
})

describe.skipIf(!built)("commander: a subcommand's own --cache <dir> (no --no-cache of its own)", { timeout: 120_000 }, () => {
  // the program got no --no-cache of unperf's then, in any command: nothing could take it there
  it.each([[{ POSITIONAL: '0' }], [{}]])('%j: its option is its own; unperf\'s --no-cache is still the program\'s', (env) => {
    const h = host('commander-passthrough.mjs')
    const own = h.run(['pack', '--cache', '/tmp/tarballs'], { ...env, CACHE_DIR: '1' })
    expect(own.code, own.stderr).toBe(0)
    expect(own.stdout).toContain('pack cache-dir=/tmp/tarballs unperf-cache=true')
    const off = h.run(['--no-cache', 'pack', '--cache', '/tmp/tarballs'], { ...env, CACHE_DIR: '1' })
    expect(off.code, off.stderr).toBe(0)
    expect(off.stdout).toContain('pack cache-dir=/tmp/tarballs unperf-cache=false')
    expect(h.run(['--help'], { ...env, CACHE_DIR: '1' }).stdout).toContain('--no-cache')
  })
})

describe.skipIf(!built)('citty: whose --no-cache it is', { timeout: 120_000 }, () => {
  it('after `--` it is an argument of the command, not the flag: the cache stays on', () => {
    const h = host('citty-cli.mjs')
    expect(h.run(['flags', '--', '--no-cache']).stdout).toContain('flags args.cache=true enabled=true')
    expect(h.run(['flags', '--no-cache']).stdout).toContain('flags args.cache=false enabled=false')
  })
})
