/**
 * An argument a command takes no positional for is bad usage (exit 2, named on stderr; `--json`:
 * `E_UNEXPECTED_ARGUMENT`), as clap-based CLIs (hyperfine) say `unexpected argument`. citty ignored
 * it: `unperf report last` printed the whole report, `unperf budget strict` ran the plain check and
 * `unperf cache get a b` printed a's value, each exit 0, the word the user typed dropped.
 * Options' values (`--namespace N`, `--cwd D`) are not arguments; `bench`'s commands and `shard`'s
 * globs (optional positionals, as many as given) are still taken.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { tempDir } from '../helpers/tmp.js'
import { unperf } from '../helpers/unperf-cli.js'

function project(): string {
  const dir = tempDir('unperf-unexpected-arg-')
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'unexpected-arg-fixture', version: '1.0.0', type: 'module' }))
  writeFileSync(join(dir, 'perf.config.mjs'), `export default ${JSON.stringify({ report: { dir: join(dir, 'reports'), console: false } })}\n`)
  return dir
}

describe('an argument the command does not take', () => {
  it('exits 2 naming it, for a command without positionals and past the one `cache get` takes', () => {
    const dir = project()
    const cases: [string[], string, string][] = [
      [['report', 'last'], 'last', "unperf report: unexpected argument 'last' (it takes options only)"],
      [['budget', 'strict'], 'strict', "unperf budget: unexpected argument 'strict'"],
      [['cache', 'info', '--namespace', 'templates', 'extra'], 'extra', "unperf cache info: unexpected argument 'extra'"],
      [['cache', 'get', 'a', 'b'], 'b', "unperf cache get: unexpected argument 'b' (it takes one argument, <KEY>)"],
    ]
    for (const [args, , message] of cases) {
      const r = unperf(dir, ...args)
      expect(r.code, args.join(' ')).toBe(2)
      expect(r.stdout, args.join(' ')).toBe('')
      expect(r.stderr, args.join(' ')).toContain(`[unperf] ${message}`)
    }
    const j = unperf(dir, 'config', 'extra', '--json')
    expect(j.code).toBe(2)
    expect(j.json()).toEqual({ error: { name: 'UsageError', code: 'E_UNEXPECTED_ARGUMENT', message: "unperf config: unexpected argument 'extra' (it takes options only)" } })
  })

  it("options' values are no arguments; shard's globs are taken", () => {
    const dir = project()
    const other = join(dir, 'sub')
    mkdirSync(other)
    // (shared: a namespace the config has; one it has not is bad usage, cache-namespace-unknown.test.ts)
    expect(unperf(other, '--cwd', dir, 'cache', 'get', '--namespace', 'shared', 'k').code).toBe(1) // no entry: the key was taken
    expect(unperf(dir, 'config', '--env', 'ci', '--cwd', dir, '--json').code).toBe(0)
    writeFileSync(join(dir, 'a.test.ts'), '')
    const shard = unperf(dir, 'shard', '--total', '1', '--index', '1', 'a.test.ts')
    expect(shard.code, shard.stderr).toBe(0)
    expect(shard.stdout.trim()).toBe('a.test.ts')
  })
})
