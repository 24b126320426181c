/**
 * `unperf cache get` on a value holding Buffers/Uint8Arrays (stored by another process on the fs
 * tier): before, the host's set() refused it and get found nothing. The value is shown as JSON, a
 * Buffer as Node shows one (`{ type: 'Buffer', data: [...] }`) and a Uint8Array alike (`type:
 * 'Uint8Array'`), not as JSON's object of indices; a Buffer as the value itself stays its raw bytes.
 */
import { spawnSync } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { tempDir } from '../helpers/tmp.js'
import { unperf } from '../helpers/unperf-cli.js'

const dist = join(import.meta.dirname, '../../dist/index.mjs')

describe('unperf cache get: bytes inside a value', () => {
  it('prints them as { type, data } with and without --json; a Buffer value stays raw bytes', () => {
    const dir = tempDir('unperf-cli-bytes-')
    mkdirSync(join(dir, 'node_modules'))
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'bytes-fixture', version: '1.0.0', type: 'module' }))
    writeFileSync(join(dir, 'perf.config.mjs'), `export default { cache: { driver: 'fs', ttl: '1h' }, report: { console: false } }`)
    writeFileSync(join(dir, 'app.mjs'), `
      import { createPerf } from ${JSON.stringify(dist)}
      const perf = await createPerf()
      await perf.cache.set('file', { name: 'a.png', data: Buffer.from([1, 255]), parts: [new Uint8Array([7]), Buffer.alloc(0)] })
      await perf.cache.set('raw', Buffer.from([0, 1, 2]))
      await perf.close()`)
    const app = spawnSync(process.execPath, ['app.mjs'], { cwd: dir, encoding: 'utf8', env: { ...process.env, XDG_CACHE_HOME: join(dir, '.xdg') } })
    expect(app.stderr).toBe('')
    const shown = { name: 'a.png', data: { type: 'Buffer', data: [1, 255] }, parts: [{ type: 'Uint8Array', data: [7] }, { type: 'Buffer', data: [] }] }
    const text = unperf(dir, 'cache', 'get', 'file')
    expect(text.code).toBe(0)
    expect(JSON.parse(text.stdout)).toEqual(shown)
    const json = unperf(dir, 'cache', 'get', 'file', '--json')
    expect(json.code).toBe(0)
    expect(json.json()).toMatchObject({ value: shown, metadata: null })
    const raw = spawnSync(process.execPath, [join(import.meta.dirname, '../../bin/unperf.mjs'), 'cache', 'get', 'raw'], { cwd: dir, env: { ...process.env, NO_COLOR: '1', XDG_CACHE_HOME: join(dir, '.xdg') } })
    expect([...raw.stdout]).toEqual([0, 1, 2])
  }, 60_000)
})
