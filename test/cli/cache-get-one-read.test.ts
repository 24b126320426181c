/**
 * `unperf cache get` read its entry twice: a peek (as stored, to tell an expired key) and then the
 * lookup, two reads of a remote tier per call. It now reads once, the lookup telling of an expired
 * entry it met: a hit, a miss and an expired key (said as such) each cost one read. The tier is a
 * user's unstorage driver (files in the project), logging each read it serves.
 */
import { spawnSync } from 'node:child_process'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { tempDir } from '../helpers/tmp.js'
import { unperf } from '../helpers/unperf-cli.js'

const dist = join(import.meta.dirname, '../../dist/index.mjs')

/** An unstorage Driver a user could write: one file per key under ./store, each getItem logged to ./reads.log. */
const CONFIG = `
import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
const dir = new URL('./store/', import.meta.url)
mkdirSync(dir, { recursive: true })
const file = key => new URL(encodeURIComponent(key), dir)
const driver = {
  name: 'logged-files',
  hasItem: key => existsSync(file(key)),
  getItem: key => {
    appendFileSync(new URL('./reads.log', import.meta.url), key + '\\n')
    return existsSync(file(key)) ? readFileSync(file(key), 'utf8') : null
  },
  setItem: (key, value) => writeFileSync(file(key), value),
  removeItem: key => rmSync(file(key), { force: true }),
  getKeys: () => readdirSync(dir).map(decodeURIComponent),
  clear: () => { for (const k of readdirSync(dir)) rmSync(new URL(k, dir)) },
}
export default { cache: { driver }, report: { console: false } }
`

describe('unperf cache get: one read of the entry', () => {
  it('a hit, a miss, an expired key: one getItem each', async () => {
    const dir = tempDir('unperf-cli-get-once-')
    mkdirSync(join(dir, 'node_modules'))
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'get-once-fixture', version: '1.0.0', type: 'module' }))
    writeFileSync(join(dir, 'perf.config.mjs'), CONFIG)
    writeFileSync(join(dir, 'app.mjs'), `
      import { createPerf } from ${JSON.stringify(dist)}
      const perf = await createPerf()
      await perf.cache.set('kept', 'value')
      await perf.cache.set('old', 1, { ttl: 300 })
      await perf.close()`)
    const app = spawnSync(process.execPath, ['app.mjs'], { cwd: dir, encoding: 'utf8', env: { ...process.env, XDG_CACHE_HOME: join(dir, '.xdg') } })
    expect(app.stderr).toBe('')
    await new Promise(r => setTimeout(r, 350))
    const reads = (key: string) => readFileSync(join(dir, 'reads.log'), 'utf8').split('\n').filter(k => k.endsWith(`:${key}.e`)).length
    writeFileSync(join(dir, 'reads.log'), '')
    const hit = unperf(dir, 'cache', 'get', 'kept')
    expect(hit.stdout, hit.stderr).toBe('value\n')
    expect(reads('kept')).toBe(1) // was 2
    expect(unperf(dir, 'cache', 'get', 'never').stderr).toBe("[unperf] no entry for 'never'\n")
    expect(reads('never')).toBe(1) // was 2
    expect(unperf(dir, 'cache', 'get', 'old').stderr).toMatch(/^\[unperf\] no entry for 'old': it expired \d+(\.\d+)? (ms|s) ago\n$/)
    expect(reads('old')).toBe(1) // was 2
  }, 60_000)
})
