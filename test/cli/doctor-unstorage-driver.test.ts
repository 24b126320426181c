/**
 * `unperf doctor` with an unstorage driver named in the config: a misspelt name (or a driver whose
 * package is not installed) was only found on the tier's first use, as a warning with the tier
 * skipped, and doctor said every check passed (exit 0). It loads each such driver's module and
 * names the key path it is written at; a driver that loads is a passing row. A name unstorage has not
 * is now a config error (validation), which doctor's `config` row reports.
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
  it('a misspelt driver is a config problem naming its key path and the name meant (exit 2: a bad config); one that loads is a passing row', () => {
    // a name unstorage has not is a config error since validation checks it (test/config/driver-names.test.ts)
    const dir = project(`{ cache: { driver: ['memory', { driver: 'lru-cach' }], namespaces: { t: { driver: { driver: 'lru-cache' } } } } }`)
    const r = unperf(dir, 'doctor', '--json')
    expect(r.code).toBe(2)
    const checks = (r.json() as { checks: { check: string; ok: boolean; detail: string }[] }).checks
    expect(checks.find(c => c.check === 'config')).toMatchObject({ ok: false, detail: expect.stringMatching(/cache\.driver\[1\]\.driver: expected 'memory', 'fs', 'redis' \(unperf's tiers\) or an unstorage driver's name; did you mean 'lru-cache'\?.*got 'lru-cach'/) })
    const loads = unperf(project(`{ cache: { driver: ['memory', 'fs'], namespaces: { t: { driver: { driver: 'lru-cache' } } } } }`), 'doctor', '--json')
    expect(loads.code, loads.stdout + loads.stderr).toBe(0)
    expect((loads.json() as { checks: { check: string; ok: boolean; detail: string }[] }).checks.filter(c => c.check === 'driver')).toEqual([
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
