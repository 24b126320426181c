/**
 * The `unperf` CLI's error paths, each run: every message on stderr starts with `[unperf] ` (the
 * `--cwd` check, budget's "no run recorded", cache get's "no entry", the usage problems and citty's
 * own "Missing required argument" had none); `--namespace 'plugin:'` (no plugin's name) was taken as
 * an empty namespace and is now bad usage (exit 2) naming it; `cache get --json` of bytes printed
 * Node's `{ type: 'Buffer', data: [...] }` and now gives base64 with `encoding: 'base64'`; `unperf
 * init` in a dir without package.json listed package.json in `invalidate.files`.
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { createPerf } from '../../src/runtime/perf.js'
import { tempDir } from '../helpers/tmp.js'
import { unperf } from '../helpers/unperf-cli.js'

function project(): string {
  const dir = tempDir('unperf-prefix-')
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'prefix-fixture', version: '1.0.0', type: 'module' }))
  writeFileSync(join(dir, 'perf.config.json'), JSON.stringify({ cache: { dir: join(dir, 'cache') }, report: { dir: join(dir, 'reports'), console: false } }))
  return dir
}

describe('every stderr message of an error path starts with [unperf]', () => {
  it('usage problems, --cwd, budget without a run, cache get without an entry, citty\'s own usage errors', () => {
    const dir = project()
    const cases: Array<[string[], number, string]> = [
      [['config', '--cwd', join(dir, 'nope')], 2, `[unperf] --cwd ${join(dir, 'nope')}: expected a directory, there is none`],
      [['budget'], 1, `[unperf] no run recorded in ${join(dir, 'reports')}`],
      [['cache', 'get', 'nokey'], 1, "[unperf] no entry for 'nokey'"],
      [['frobnicate'], 2, "[unperf] unperf: unknown command 'frobnicate'"],
      [[], 2, '[unperf] unperf: no command given'],
      [['cache'], 2, '[unperf] unperf cache: no command given'],
      [['config', '--env'], 2, '[unperf] unperf config: --env expects a value, got nothing'],
      [['cache', 'info', '--bogus'], 2, "[unperf] unperf cache info: unknown option '--bogus'"],
      [['shard', '--index', '1'], 2, '[unperf] unperf shard: missing the option --total'],
      [['cache', 'get'], 2, '[unperf] unperf cache get: missing the argument <KEY>'],
      [['cache', 'clear'], 2, '[unperf] unperf cache clear needs --key K, --namespace N or --all'],
    ]
    for (const [args, code, line] of cases) {
      const r = unperf(dir, ...args)
      expect(r.code, args.join(' ')).toBe(code)
      const last = r.stderr.trim().split('\n').at(-1)!
      expect(last.startsWith(line), `${args.join(' ')}: ${last}`).toBe(true)
      // --json: the message without the prefix, as every command's
      const json = unperf(dir, ...args, '--json')
      if (json.stdout.trim().startsWith('{')) expect(JSON.stringify(json.json()), args.join(' ')).not.toContain('[unperf]')
    }
  })
})

describe("unperf cache --namespace 'plugin:'", () => {
  it('exit 2 naming it, for every cache command; plugin:<name> still reaches that plugin\'s namespace', () => {
    const dir = project()
    for (const args of [['info'], ['list'], ['get', 'k'], ['clear', '--yes'], ['prune'], ['verify']]) {
      const r = unperf(dir, 'cache', ...args, '--namespace', 'plugin:')
      expect(r.code, args.join(' ')).toBe(2)
      expect(r.stderr).toContain("[unperf] --namespace 'plugin:': the plugin's name is missing (a plugin's namespace is plugin:<name>")
      expect(r.stdout).toBe('')
      const json = unperf(dir, 'cache', ...args, '--namespace', 'plugin:', '--json')
      expect(json.json().error).toMatchObject({ name: 'UsageError', code: 'E_USAGE' })
    }
    // a plugin the config lists (one it does not list is a name no plugin has: cache-namespace-unknown.test.ts)
    writeFileSync(join(dir, 'git-info.mjs'), `export default { name: 'git-info' }`)
    writeFileSync(join(dir, 'perf.config.json'), JSON.stringify({ cache: { dir: join(dir, 'cache') }, report: { dir: join(dir, 'reports'), console: false }, plugins: ['./git-info.mjs'] }))
    expect(unperf(dir, 'cache', 'list', '--namespace', 'plugin:git-info').code).toBe(0)
  })
})

describe('unperf cache get --json of bytes', () => {
  it('a Buffer or a Uint8Array: base64 in value, encoding: base64 beside it; other values without encoding', async () => {
    const dir = project()
    const perf = await createPerf({ cwd: dir, noExitHandlers: true })
    await perf.cache.set('buf', Buffer.from([0, 1, 2, 255]))
    await perf.cache.set('u8', new Uint8Array([9, 8, 7]))
    await perf.cache.set('text', 'AAEC/w==')
    await perf.close()
    const buf = unperf(dir, 'cache', 'get', 'buf', '--json')
    expect(buf.code, buf.stderr).toBe(0)
    expect(buf.json()).toMatchObject({ value: 'AAEC/w==', encoding: 'base64', metadata: null })
    expect(Object.keys(buf.json())).toEqual(['value', 'encoding', 'createdAt', 'expiresAt', 'size', 'metadata'])
    expect(Buffer.from(buf.json().value, 'base64')).toEqual(Buffer.from([0, 1, 2, 255]))
    expect(unperf(dir, 'cache', 'get', 'u8', '--json').json()).toMatchObject({ value: Buffer.from([9, 8, 7]).toString('base64'), encoding: 'base64' })
    // a string that looks like base64 stays a string, told apart by the absent encoding
    const text = unperf(dir, 'cache', 'get', 'text', '--json').json()
    expect(text.value).toBe('AAEC/w==')
    expect(text).not.toHaveProperty('encoding')
  })
})

describe('unperf init without package.json', () => {
  it('lists only the files that are there in invalidate.files', () => {
    const bare = tempDir('unperf-init-bare-')
    expect(unperf(bare, 'init', '--cwd', bare).code).toBe(0)
    const text = readFileSync(join(bare, 'perf.config.ts'), 'utf8')
    expect(text).toMatch(/files: \[\],/)
    expect(text).not.toContain("'package.json'")
    expect(text).not.toContain('"package.json"')
    // with a package.json and a lockfile: both
    const dir = tempDir('unperf-init-pkg-')
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'x', version: '1.0.0' }))
    writeFileSync(join(dir, 'package-lock.json'), '{}')
    expect(unperf(dir, 'init').code).toBe(0)
    expect(readFileSync(join(dir, 'perf.config.ts'), 'utf8')).toContain("files: ['package.json', 'package-lock.json'],")
    // the file written loads
    expect(unperf(bare, 'config', '--json', '--cwd', bare).json().config.cache.invalidate.files).toEqual([])
  })
})
