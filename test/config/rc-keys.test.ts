/**
 * `.perfrc` in `key=value` lines (rc9): a key is a dot path split at every dot, with no quoting or
 * escaping. A line rc9 would skip (a space in the key, no `=`) or split into keys the user did not
 * write (quotes, brackets, empty segments) is a config error naming its line; a dotted key that
 * nested wrongly says why; a JSON .perfrc holds any key.
 */
import { describe, expect, it } from 'vitest'
import { loadPerfConfig } from '../../src/config/load.js'
import { ConfigError } from '../../src/errors.js'
import { unperf } from '../helpers/unperf-cli.js'
import { PKG, project } from './_fixtures.js'

const errorOf = (rc: string) => loadPerfConfig({ cwd: project({ 'package.json': PKG, '.perfrc': rc }) }).then(() => undefined, (e: unknown) => e as ConfigError)

describe('.perfrc keys that rc9 cannot hold', () => {
  it('a key with a space, quotes or brackets, an empty segment or a line without = is an error naming the line (it was skipped or mis-nested silently)', async () => {
    const error = await errorOf([
      '# budgets for the commands',
      "cache.namespaces['a.b'].ttl=1h",
      'budgets.commands.cache clear.duration=1s',
      'cache ttl 1h',
      'cache..ttl=1h',
      'cache.ttl=1h',
      'plugins[]=./x.mjs',
    ].join('\n'))
    expect(error).toBeInstanceOf(ConfigError)
    expect(error!.issues.map(i => [i.line, i.path])).toEqual([
      [2, "cache.namespaces['a.b'].ttl"], [3, 'budgets.commands.cache clear.duration'], [4, ''], [5, 'cache..ttl'],
    ])
    expect(error!.message).toContain(".perfrc:2:1: cache.namespaces['a.b'].ttl: quotes, brackets and backslashes are no escape")
    expect(error!.message).toContain('.perfrc:3:1: budgets.commands.cache clear.duration: a key with a space (rc9 skips the line); a .perfrc key is a dot path split at every dot, with no quoting or escaping')
    expect(error!.message).toContain("goes in perf.config.ts or in a JSON .perfrc")
    expect(error!.message).toContain(".perfrc:4:1: expected a key=value line (cache.ttl=1h) or a comment (# ...), got a line without '='")
  })

  it('the unperf CLI exits 2 on it', () => {
    const r = unperf(project({ 'package.json': PKG, '.perfrc': 'budgets.commands.cache clear.duration=1s\n' }), 'config')
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('.perfrc:1:1: budgets.commands.cache clear.duration: a key with a space')
  })

  it("a key meant as one ('a.b') that rc9 nested is named at its line, with why", async () => {
    const error = await errorOf('cache.ttl=1h\ncache.namespaces.a.b.ttl=1h\n')
    expect(error!.issues).toHaveLength(1)
    expect(error!.message).toContain(".perfrc:2:1: cache.namespaces.a.b: expected a known key")
    expect(error!.message).toContain("(a .perfrc key is a dot path split at every dot, with no quoting or escaping: a key that holds a dot, a space or a quote ('a.b', 'cache clear') goes in perf.config.ts or in a JSON .perfrc)")
    // a plain bad value: no such hint
    expect((await errorOf('cache.ttl=soon\n'))!.message).not.toContain('split at every dot')
  })

  it('plain key=value lines, comments and plugins[] lines load as before; a JSON .perfrc holds keys with dots and spaces', async () => {
    const config = await loadPerfConfig({ cwd: project({ 'package.json': PKG, '.perfrc': '# c\n; c\n// c\n\ncache.ttl=2h\n$env.ci.cache.ttl=3h\n' }) })
    expect(config.cache.ttl).toBe(7_200_000)
    const json = await loadPerfConfig({ cwd: project({ 'package.json': PKG, '.perfrc': JSON.stringify({ cache: { namespaces: { 'a.b': { ttl: '5m' } } }, budgets: { commands: { 'cache clear': { duration: '1s' } } } }) }) })
    expect(json.cache.namespaces['a.b']!.ttl).toBe(300_000)
    expect(json.budgets.commands['cache clear']).toMatchObject({ duration: 1000 })
  })
})
