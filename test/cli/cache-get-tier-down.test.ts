/**
 * `unperf cache get` of a key the fs tier holds while a Redis tier after it is down: it printed the
 * value, then `incomplete: …` and exit 1, so `v=$(unperf cache get k) || recompute` took a found
 * value for a missing key (exit 1 is `no entry`, as `git config --get` means it) and `--json` gave a
 * value with no error beside it and exit 1. The value is the one a run gets (the tiers before the
 * one that failed answered): exit 0, the tier's warning still on stderr. A key not found stays exit 1.
 */
import { spawnSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { projectWith } from '../helpers/project.js'
import { unperf } from '../helpers/unperf-cli.js'

const dist = join(import.meta.dirname, '../../dist/index.mjs')

describe('unperf cache get with a tier down', { timeout: 60_000 }, () => {
  it('a value a faster tier holds: printed, exit 0, the warning on stderr; a missing key: exit 1', () => {
    // stored with memory + fs (the scope does not depend on the tiers), read with a Redis after them that refuses connections
    const dir = projectWith(`export default { cache: { driver: ['memory', 'fs'] }, report: { console: false }, $env: { down: { cache: { driver: ['memory', 'fs', { driver: 'redis', url: 'redis://:pw-not-shown@127.0.0.1:1' }], timeout: '100ms' } } } }`)
    writeFileSync(join(dir, 'store.mjs'), `
      import { createPerf } from ${JSON.stringify(dist)}
      const perf = await createPerf()
      await perf.cache.set('k', 'the value')
      await perf.close()`)
    const store = spawnSync(process.execPath, ['store.mjs'], { cwd: dir, encoding: 'utf8', env: { ...process.env, XDG_CACHE_HOME: join(dir, '.xdg'), PERF_ENV: 'production' } })
    expect(store.stderr).toBe('')

    const text = unperf(dir, 'cache', 'get', 'k', '--env', 'down')
    expect([text.code, text.stdout]).toEqual([0, 'the value\n'])
    expect(text.stderr).toMatch(/redis tier failed \(connect ECONNREFUSED 127\.0\.0\.1:1\)/)
    expect(text.stderr).not.toContain('incomplete')
    expect(text.stderr).not.toContain('pw-not-shown')

    const json = unperf(dir, 'cache', 'get', 'k', '--env', 'down', '--json')
    expect(json.code).toBe(0)
    expect(json.json()).toMatchObject({ value: 'the value', metadata: null })
    expect(json.json()).not.toHaveProperty('error')

    // not found: exit 1, as without the tier down (its problem said too: the key may be only there)
    const missing = unperf(dir, 'cache', 'get', 'nope', '--env', 'down', '--json')
    expect(missing.code).toBe(1)
    expect(missing.json()).toMatchObject({ error: { code: 'E_NO_ENTRY' } })
    expect(missing.stderr).toContain('incomplete')
  })
})
