/**
 * `unperf doctor` names every copy of unperf installed for the CLI when there is more than one (a
 * plugin package with its own, nested: it works, but loads a second runtime at every start), in
 * npm's nested layout, under a scoped package and in pnpm's store; one copy reached by two links
 * (pnpm) is one copy. A warning, not a problem: exit 0.
 */
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { tempDir } from '../helpers/tmp.js'
import { unperf } from '../helpers/unperf-cli.js'

type Doctor = { ok: boolean; checks: { check: string; ok: boolean; warn?: boolean; detail: string }[]; warnings: string[] }

function project(copies: Record<string, string>, links: Record<string, string> = {}): string {
  const dir = tempDir('unperf-doctor-copies-')
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'acme-cli', version: '1.0.0', type: 'module' }))
  writeFileSync(join(dir, 'perf.config.mjs'), `export default { cache: { driver: 'memory' } }`)
  for (const [path, version] of Object.entries(copies)) {
    mkdirSync(join(dir, path), { recursive: true })
    writeFileSync(join(dir, path, 'package.json'), JSON.stringify({ name: 'unperf', version }))
  }
  for (const [link, target] of Object.entries(links)) {
    mkdirSync(join(dir, link, '..'), { recursive: true })
    symlinkSync(join(dir, target), join(dir, link))
  }
  return dir
}

describe('unperf doctor and copies of unperf', { timeout: 60_000 }, () => {
  it('a nested copy (npm) and one under a scoped package: each named with its version, exit 0', () => {
    const dir = project({
      'node_modules/unperf': '0.1.0',
      'node_modules/unperf-plugin-x/node_modules/unperf': '0.2.0',
      'node_modules/@acme/perf-plugin/node_modules/unperf': '0.3.0',
    })
    const r = unperf(dir, 'doctor', '--json')
    expect(r.code, r.stderr).toBe(0)
    const row = (r.json() as Doctor).checks.find(c => c.check === 'unperf')
    expect(row).toMatchObject({ ok: false, warn: true })
    expect(row!.detail).toMatch(/^3 copies of unperf: 0\.1\.0 in node_modules\/unperf, /)
    expect(row!.detail).toContain('0.2.0 in node_modules/unperf-plugin-x/node_modules/unperf')
    expect(row!.detail).toContain('0.3.0 in node_modules/@acme/perf-plugin/node_modules/unperf')
    expect(row!.detail).toContain('the plugin should list unperf in peerDependencies')
    expect((r.json() as Doctor).warnings).toContain(row!.detail)
  })

  it("pnpm: two versions in the store are two copies; the top-level link to one of them is not a third", () => {
    const dir = project({
      'node_modules/.pnpm/unperf@0.1.0/node_modules/unperf': '0.1.0',
      'node_modules/.pnpm/unperf@0.2.0/node_modules/unperf': '0.2.0',
    }, { 'node_modules/unperf': 'node_modules/.pnpm/unperf@0.1.0/node_modules/unperf' })
    const row = (unperf(dir, 'doctor', '--json').json() as Doctor).checks.find(c => c.check === 'unperf')
    expect(row!.detail).toMatch(/^2 copies of unperf: 0\.1\.0 in node_modules\/unperf, 0\.2\.0 in node_modules\/\.pnpm\/unperf@0\.2\.0\/node_modules\/unperf\./)
  })

  it('one copy: no row', () => {
    const dir = project({ 'node_modules/unperf': '0.1.0' })
    mkdirSync(join(dir, 'node_modules/unperf-plugin-x'))
    writeFileSync(join(dir, 'node_modules/unperf-plugin-x/package.json'), JSON.stringify({ name: 'unperf-plugin-x', version: '1.0.0', peerDependencies: { unperf: '^0.1.0' } }))
    const doc = unperf(dir, 'doctor', '--json').json() as Doctor
    expect(doc.checks.some(c => c.check === 'unperf')).toBe(false)
  })
})

describe('unperf doctor and a plugin installed by path', { timeout: 60_000 }, () => {
  it("a link to a plugin's dir that lists unperf as a peer: its copy is its dev install, and the advice says so (not 'list unperf in peerDependencies', which it does)", () => {
    // `npm install ../unperf-plugin-audit` links the plugin's dir, with its own node_modules (its
    // devDependencies: unperf among them); the plugin's import of unperf resolves there
    const dir = project({ 'node_modules/unperf': '0.1.0', 'plugin-src/node_modules/unperf': '0.1.0' }, { 'node_modules/unperf-plugin-audit': 'plugin-src' })
    writeFileSync(join(dir, 'plugin-src/package.json'), JSON.stringify({ name: 'unperf-plugin-audit', version: '1.0.0', type: 'module', peerDependencies: { unperf: '^0.1.0' } }))
    const row = (unperf(dir, 'doctor', '--json').json() as Doctor).checks.find(c => c.check === 'unperf')
    expect(row).toMatchObject({ ok: false, warn: true })
    expect(row!.detail).toMatch(/^2 copies of unperf: 0\.1\.0 in node_modules\/unperf, 0\.1\.0 in node_modules\/unperf-plugin-audit\/node_modules\/unperf\./)
    expect(row!.detail).toContain(`unperf-plugin-audit is installed by path (a link to ${join(dir, 'plugin-src')}) and lists unperf in peerDependencies: its copy is its own dev install, which a published package does not bring; install the plugin from its tarball (npm pack) to run it as users will`)
    expect(row!.detail).not.toContain('the plugin should list unperf in peerDependencies')
  })
})
