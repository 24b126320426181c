/**
 * `unperf doctor` on Windows: node there has no process.getuid and reports every writable dir as
 * mode 666 (ACLs are not in the mode bits), so the cache dir row judged by `mode & 077` failed on every
 * Windows machine (`mode 666 (should be 700: others can read or write it)`, exit 1). Windows is
 * simulated the way the code tells it: a preload removes process.getuid, and the cache dir is open
 * to its group and others (as its mode reads there).
 */
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { tempDir } from '../helpers/tmp.js'
import { unperf, unperfWithEnv } from '../helpers/unperf-cli.js'

interface DoctorJson { ok: boolean; checks: { check: string; ok: boolean; detail: string }[] }

function project(): string {
  const dir = tempDir('unperf-doctor-windows-')
  mkdirSync(join(dir, 'node_modules'))
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'doctor-windows-fixture', version: '1.0.0', type: 'module' }))
  writeFileSync(join(dir, 'perf.config.mjs'), `export default { name: 'doctor-windows-fixture' }\n`)
  const cacheDir = join(dir, '.xdg', 'doctor-windows-fixture')
  mkdirSync(cacheDir, { recursive: true })
  chmodSync(cacheDir, 0o755)
  writeFileSync(join(dir, 'no-uid.mjs'), 'delete process.getuid\n')
  return dir
}

const cacheRow = (json: DoctorJson) => json.checks.find(c => c.check === 'cache dir')!

describe('unperf doctor, cache dir row without POSIX uids and modes (Windows)', () => {
  it('does not judge the mode bits where there is no process.getuid', () => {
    const dir = project()
    const r = unperfWithEnv(dir, { NODE_OPTIONS: `--import ${join(dir, 'no-uid.mjs')}` }, 'doctor', '--json')
    const row = cacheRow(r.json() as DoctorJson)
    expect(row.ok, row.detail).toBe(true)
    expect(row.detail).toMatch(/no POSIX modes here/)
    expect(r.code, r.stdout).toBe(0)
  })

  it('still judges them on POSIX: the same dir open to others is a problem', () => {
    const dir = project()
    const r = unperf(dir, 'doctor', '--json')
    const row = cacheRow(r.json() as DoctorJson)
    expect(row.ok).toBe(false)
    expect(row.detail).toMatch(/mode 755 \(should be 700/)
    expect(r.code).toBe(1)
  })
})
