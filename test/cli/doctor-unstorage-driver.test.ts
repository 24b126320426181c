/**
 * `unperf doctor` with an unstorage driver named in the config: a misspelt name (or a driver whose
 * package is not installed) was only found on the tier's first use, as a warning with the tier
 * skipped, and doctor said every check passed (exit 0). It loads each such driver's module and
 * names the key path it is written at; a driver that loads is a passing row.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { tempDir } from '../helpers/tmp.js'
import { unperf } from '../helpers/unperf-cli.js'

function project(config: string): string {
  const dir = tempDir('unperf-doctor-unstorage-')
  mkdirSync(join(dir, 'node_modules'))
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'doctor-unstorage-fixture', version: '1.0.0', type: 'module' }))
  writeFileSync(join(dir, 'perf.config.mjs'), `export default ${config}\n`)
  return dir
}

describe('unperf doctor, unstorage drivers by name', () => {
  it('a misspelt driver is a problem naming its key path and the name meant (exit 1)', () => {
    const dir = project(`{ cache: { driver: ['memory', { driver: 'lru-cach' }], namespaces: { t: { driver: { driver: 'lru-cache' } } } } }`)
    const r = unperf(dir, 'doctor', '--json')
    expect(r.code).toBe(1)
    const checks = (r.json() as { checks: { check: string; ok: boolean; detail: string }[] }).checks.filter(c => c.check === 'driver')
    expect(checks).toEqual([
      { check: 'driver', ok: false, detail: expect.stringMatching(/^cache\.driver\[1\]: .*unknown cache driver 'lru-cach'.*did you mean 'lru-cache'/) },
      { check: 'driver', ok: true, detail: "cache.namespaces.t.driver: unstorage's 'lru-cache' driver loads" },
    ])
  })

  it('a config of built-in drivers has no driver row', () => {
    const dir = project(`{ cache: { driver: ['memory', 'fs'] } }`)
    const r = unperf(dir, 'doctor', '--json')
    expect(r.code, r.stdout + r.stderr).toBe(0)
    expect((r.json() as { checks: { check: string }[] }).checks.some(c => c.check === 'driver')).toBe(false)
  })
})
