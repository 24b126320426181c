/**
 * `unperf cache clear (--key K | --namespace N | --all)`: one target. `--all` beside `--key` or
 * `--namespace` is bad usage (exit 2) and removes nothing; it used to clear only the key, exit 0,
 * leaving every other entry a user asking for `--all` meant to remove. `--key K --namespace N`
 * (a key in a namespace) stays one target.
 */
import { spawnSync } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeEach, describe, expect, it } from 'vitest'
import { tempDir } from '../helpers/tmp.js'
import { unperf } from '../helpers/unperf-cli.js'

const dist = join(import.meta.dirname, '../../dist/index.mjs')

interface Row { namespace: string; key: string }

describe('unperf cache clear takes one target', () => {
  let dir: string
  beforeEach(() => {
    dir = tempDir('unperf-cli-cache-clear-target-')
    mkdirSync(join(dir, 'node_modules'))
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'clear-target-fixture', version: '1.0.0', type: 'module' }))
    writeFileSync(join(dir, 'perf.config.ts'), `export default { cache: { driver: 'fs' }, report: { console: false } }`)
    writeFileSync(join(dir, 'app.mjs'), `
      import { createPerf } from ${JSON.stringify(dist)}
      const perf = await createPerf()
      await perf.cache.set('a', 1)
      await perf.cache.set('b', 2)
      await perf.cache.namespace('templates').set('t', 'x')
      await perf.close()`)
    const r = spawnSync(process.execPath, ['app.mjs'], { cwd: dir, encoding: 'utf8', env: { ...process.env, XDG_CACHE_HOME: join(dir, '.xdg') } })
    expect(r.status, r.stderr).toBe(0)
  })

  const keys = () => (unperf(dir, 'cache', 'list', '--json').json() as Row[]).map(r => `${r.namespace}/${r.key}`).sort()

  it('--all with --key or --namespace exits 2 naming the conflict and removes nothing', () => {
    for (const args of [['--key', 'a', '--all'], ['--all', '--namespace', 'templates'], ['--all', '--key', 't', '--namespace', 'templates']]) {
      const r = unperf(dir, 'cache', 'clear', ...args, '--yes')
      expect(r.code, args.join(' ')).toBe(2)
      expect(r.stderr, args.join(' ')).toContain('--all clears every namespace')
      expect(keys(), args.join(' ')).toEqual(['default/a', 'default/b', 'templates/t'])
    }
    const json = unperf(dir, 'cache', 'clear', '--key', 'a', '--all', '--yes', '--json')
    expect(json.code).toBe(2)
    expect(json.json().error).toMatchObject({ name: 'UsageError' })
  })

  it('one target still works: a key in a namespace, then everything', () => {
    const one = unperf(dir, 'cache', 'clear', '--key', 't', '--namespace', 'templates', '--yes', '--json')
    expect(one.code, one.stderr).toBe(0)
    expect(one.json()).toEqual({ removed: 1 })
    expect(keys()).toEqual(['default/a', 'default/b'])
    const all = unperf(dir, 'cache', 'clear', '--all', '--yes', '--json')
    expect(all.code, all.stderr).toBe(0)
    expect(all.json()).toEqual({ removed: 2 })
    expect(keys()).toEqual([])
  })

  it('without --yes and no terminal to ask on (stdin not a TTY, as in CI): exit 2 naming --yes, nothing removed', () => {
    // spawnSync's stdin is a pipe: nothing could answer, so nothing is cleared (it cleared silently, exit 0)
    for (const args of [['--namespace', 'templates'], ['--all'], ['--key', 'a'], ['--all', '--json']]) {
      const r = unperf(dir, 'cache', 'clear', ...args)
      expect(r.code, args.join(' ')).toBe(2)
      expect(r.stderr, args.join(' ')).toContain('pass --yes')
      // what is asked for, in words (it read "no terminal to confirm clearing key 'a' on")
      expect(r.stderr, args.join(' ')).toMatch(/unperf cache clear: clearing (namespace 'templates'|every namespace|key 'a') asks for a confirmation, and there is no terminal to ask on \(stdin is not a TTY\): pass --yes/)
      expect(r.stderr, args.join(' ')).not.toContain('[y/N]')
      expect(keys(), args.join(' ')).toEqual(['default/a', 'default/b', 'templates/t'])
    }
    expect(unperf(dir, 'cache', 'clear', '--all', '--json').json().error).toMatchObject({ name: 'UsageError', code: 'E_USAGE', message: expect.stringContaining("every namespace") })
  })
})
