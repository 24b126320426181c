/**
 * `unperf doctor` says when a CLI's package would be published without its perf.config (package.json
 * `files` leaves it out): installed, the CLI would run on the defaults without a word. Asked of npm
 * itself (`npm pack --dry-run`). A warning, not a problem: exit 0.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { tempDir } from '../helpers/tmp.js'
import { unperf } from '../helpers/unperf-cli.js'

function cli(pkg: Record<string, unknown>): string {
  const dir = tempDir('unperf-doctor-package-')
  mkdirSync(join(dir, 'node_modules'))
  mkdirSync(join(dir, 'bin'))
  writeFileSync(join(dir, 'bin', 'cli.mjs'), '')
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'acme-cli', version: '1.0.0', type: 'module', bin: { acme: 'bin/cli.mjs' }, ...pkg }))
  writeFileSync(join(dir, 'perf.config.mjs'), `export default { cache: { driver: 'memory' } }`)
  return dir
}

type Doctor = { ok: boolean; checks: { check: string; ok: boolean; warn?: boolean; detail: string }[]; warnings: string[] }

describe('unperf doctor and the published package', { timeout: 60_000 }, () => {
  it('"files" without the config: a warning naming it, exit 0', () => {
    const r = unperf(cli({ files: ['bin'] }), 'doctor', '--json')
    expect(r.code, r.stderr).toBe(0)
    const doc = r.json() as Doctor
    expect(doc.checks.find(c => c.check === 'package')).toMatchObject({ ok: false, warn: true })
    expect(doc.warnings.join('\n')).toContain('perf.config.mjs is not in what npm would publish')
  })

  it('"files" with it, no "files" at all, or a private package: no such warning', () => {
    for (const pkg of [{ files: ['bin', 'perf.config.mjs'] }, {}, { private: true, files: ['bin'] }]) {
      const doc = unperf(cli(pkg), 'doctor', '--json').json() as Doctor
      expect(doc.checks.some(c => c.check === 'package'), JSON.stringify(pkg)).toBe(false)
    }
  })
})
