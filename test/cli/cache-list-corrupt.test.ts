/**
 * `unperf cache list|info|get` coming across a corrupt entry: it is removed with its warning (a miss,
 * as at runtime), and the command's result is still complete: exit 0, no "incomplete: 1 tier problem
 * above; the result does not cover what could not be reached" (that is for a tier that failed).
 * `unperf cache verify` stays the check that exits 1 on corrupt entries.
 */
import { spawnSync } from 'node:child_process'
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeEach, describe, expect, it } from 'vitest'
import { tempDir } from '../helpers/tmp.js'
import { unperf } from '../helpers/unperf-cli.js'

const dist = join(import.meta.dirname, '../../dist/index.mjs')

function files(dir: string): string[] {
  return readdirSync(dir).flatMap(n => statSync(join(dir, n)).isDirectory() ? files(join(dir, n)) : [join(dir, n)])
}

describe('unperf cache commands over a corrupt entry', () => {
  let dir: string
  beforeEach(() => {
    dir = tempDir('unperf-cli-cache-corrupt-')
    mkdirSync(join(dir, 'node_modules'))
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'corrupt-fixture', version: '1.0.0', type: 'module' }))
    writeFileSync(join(dir, 'perf.config.ts'), `export default { cache: { driver: 'fs', compress: false }, report: { console: false } }`)
    writeFileSync(join(dir, 'app.mjs'), `
      import { createPerf } from ${JSON.stringify(dist)}
      const perf = await createPerf()
      await perf.cache.set('bad', 'value-to-damage')
      await perf.cache.set('good', 'value-kept')
      await perf.close()`)
    const r = spawnSync(process.execPath, ['app.mjs'], { cwd: dir, encoding: 'utf8', env: { ...process.env, XDG_CACHE_HOME: join(dir, '.xdg') } })
    expect(r.status, r.stderr).toBe(0)
    // one byte of the stored value flipped: the entry's checksum no longer matches
    const damaged = files(join(dir, '.xdg')).filter(f => readFileSync(f).includes('value-to-damage'))
    expect(damaged).toHaveLength(1)
    const bytes = readFileSync(damaged[0]!)
    bytes[bytes.indexOf('value-to-damage')] ^= 0x20
    writeFileSync(damaged[0]!, bytes)
  })

  it('list removes it with a warning and exits 0 with the rest: the listing is complete', () => {
    const r = unperf(dir, 'cache', 'list', '--json')
    // by its key, as verify names it (it said 'a corrupt cache entry in namespace ...', which one left to guess)
    expect(r.stderr).toContain("removed a corrupt cache entry 'bad' in namespace 'default' from its fs tier")
    expect(r.stderr).not.toContain('incomplete')
    expect(r.code).toBe(0)
    expect((r.json() as { key: string }[]).map(e => e.key)).toEqual(['good'])
    expect(unperf(dir, 'cache', 'verify', '--json').json()).toMatchObject({ corrupt: 0 })
  })

  it('get of another key exits 0; get of the corrupt one says there is no entry (exit 1), not a tier problem', () => {
    expect(unperf(dir, 'cache', 'get', 'good').stdout.trim()).toBe('value-kept')
    const r = unperf(dir, 'cache', 'get', 'bad')
    expect(r.code).toBe(1)
    expect(r.stderr).toContain("removed a corrupt cache entry 'bad' in namespace 'default'")
    expect(r.stderr).toContain("no entry for 'bad'")
    expect(r.stderr).not.toContain('incomplete')
  })

  it('verify still exits 1 on it, naming the entry once (it gave the count alone), then finds none', () => {
    const r = unperf(dir, 'cache', 'verify', '--json')
    expect(r.code).toBe(1)
    expect(r.json()).toEqual({ checked: 2, corrupt: 1, removed: 1, entries: [{ namespace: 'default', key: 'bad' }] })
    const again = unperf(dir, 'cache', 'verify')
    expect([again.code, again.stdout]).toEqual([0, '✔ 1 entry checked, none corrupt\n'])
  })

  it('verify as text: the count, then the entries removed in a table', () => {
    const r = unperf(dir, 'cache', 'verify')
    expect(r.code).toBe(1)
    expect(r.stdout).toBe('✖ 1 corrupt of 2 entries: removed\nnamespace  key\ndefault    bad\n')
    // said once: no warning of it on stderr besides
    expect(r.stderr).toBe('')
  })
})

it('list over seven corrupt entries: the first five named one by one, the other two in one warning after the output, exit 0', () => {
  const dir = tempDir('unperf-cli-cache-corrupt-many-')
  mkdirSync(join(dir, 'node_modules'))
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'corrupt-many', version: '1.0.0', type: 'module' }))
  writeFileSync(join(dir, 'perf.config.ts'), `export default { cache: { driver: 'fs', compress: false }, report: { console: false } }`)
  writeFileSync(join(dir, 'app.mjs'), `
    import { createPerf } from ${JSON.stringify(dist)}
    const perf = await createPerf()
    for (let i = 0; i < 7; i++) await perf.cache.set('k' + i, 'value-to-damage')
    await perf.close()`)
  const r = spawnSync(process.execPath, ['app.mjs'], { cwd: dir, encoding: 'utf8', env: { ...process.env, XDG_CACHE_HOME: join(dir, '.xdg') } })
  expect(r.status, r.stderr).toBe(0)
  const damaged = files(join(dir, '.xdg')).filter(f => readFileSync(f).includes('value-to-damage'))
  expect(damaged).toHaveLength(7)
  for (const file of damaged) {
    const bytes = readFileSync(file)
    bytes[bytes.indexOf('value-to-damage')] ^= 0x20
    writeFileSync(file, bytes)
  }
  const list = unperf(dir, 'cache', 'list')
  expect(list.code).toBe(0)
  expect(list.stderr.match(/removed a corrupt cache entry 'k\d' in namespace 'default'/g)).toHaveLength(5)
  expect(list.stderr).toMatch(/removed 2 more corrupt cache entries in namespace 'default' \(7 in all, each treated as a miss\): 'k\d', 'k\d'; unperf cache verify checks every entry/)
  expect(list.stderr).not.toContain('incomplete')
})
