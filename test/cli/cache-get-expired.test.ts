/**
 * `unperf cache get` of a key `cache list` shows as expired (kept until prune) said only "no entry
 * for 'k'": beside the list that shows it, a contradiction. It now says the entry expired, and how
 * long ago; a key never stored keeps the plain message.
 */
import { spawnSync } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { tempDir } from '../helpers/tmp.js'
import { unperf } from '../helpers/unperf-cli.js'

const dist = join(import.meta.dirname, '../../dist/index.mjs')

describe('unperf cache get: an expired entry', () => {
  it('says it expired (exit 1), --json too', async () => {
    const dir = tempDir('unperf-cli-expired-')
    mkdirSync(join(dir, 'node_modules'))
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'expired-fixture', version: '1.0.0', type: 'module' }))
    writeFileSync(join(dir, 'perf.config.mjs'), `export default { cache: { driver: 'fs' }, report: { console: false } }`)
    writeFileSync(join(dir, 'app.mjs'), `
      import { createPerf } from ${JSON.stringify(dist)}
      const perf = await createPerf()
      await perf.cache.set('old', 1, { ttl: 800 })
      await perf.cache.set('old2', 1, { ttl: 800 })
      await perf.close()`)
    const app = spawnSync(process.execPath, ['app.mjs'], { cwd: dir, encoding: 'utf8', env: { ...process.env, XDG_CACHE_HOME: join(dir, '.xdg') } })
    expect(app.stderr).toBe('')
    await new Promise(r => setTimeout(r, 900))
    expect(unperf(dir, 'cache', 'list').stdout).toMatch(/default +old +.* expired/)
    const text = unperf(dir, 'cache', 'get', 'old')
    expect(text.code).toBe(1)
    expect(text.stderr).toMatch(/^\[unperf\] no entry for 'old': it expired \d+(\.\d+)? (ms|s) ago\n$/)
    const json = unperf(dir, 'cache', 'get', 'old2', '--json')
    expect(json.code).toBe(1)
    expect(json.json().error).toMatchObject({ name: 'CacheError', code: 'E_NO_ENTRY', message: expect.stringMatching(/^no entry for 'old2': it expired /) })
    expect(unperf(dir, 'cache', 'get', 'never').stderr).toBe("[unperf] no entry for 'never'\n")
  }, 60_000)
})
