/**
 * A perf.config in a parent dir (a monorepo's root above the CLI's package) is not read: the config
 * is looked for in rootDir alone. `unperf config` said "none: defaults only" and `unperf doctor`
 * "no perf.config: defaults", with no word about the file the user wrote; both name it now, with
 * the two ways to use it. Not past the repository's root (.git), and not when rootDir has a config.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { parentConfigWarning } from '../../src/cli/parent-config.js'
import { tempDir } from '../helpers/tmp.js'
import { unperf } from '../helpers/unperf-cli.js'

/** <root>/perf.config.mjs and the package <root>/packages/cli (package.json only). */
function monorepo(): { root: string; pkg: string } {
  const root = tempDir('unperf-parent-config-')
  writeFileSync(join(root, 'package.json'), JSON.stringify({ name: 'mono', private: true, type: 'module' }))
  writeFileSync(join(root, 'perf.config.mjs'), "export default { name: 'monotool' }")
  const pkg = join(root, 'packages', 'cli')
  mkdirSync(pkg, { recursive: true })
  writeFileSync(join(pkg, 'package.json'), JSON.stringify({ name: '@mono/cli', version: '1.0.0', type: 'module' }))
  return { root, pkg }
}

describe('a perf.config in a parent dir', { timeout: 60_000 }, () => {
  it('unperf config and unperf doctor name it (a warning: exit 0)', () => {
    const { root, pkg } = monorepo()
    const expected = `no perf.config in ${pkg}, so ${join(root, 'perf.config.mjs')} (in a parent dir) is not read: the config is looked for in rootDir alone (a host CLI's own package; the project dir for unperf). Extend it from a perf.config there (export default { extends: '../../perf.config.mjs' }), or give unperf --root-dir ${root}`
    const config = unperf(pkg, 'config')
    expect(config.code).toBe(0)
    expect(config.stderr).toBe(`[unperf] warning: ${expected}\n`)
    expect(unperf(pkg, 'config', '--json').json().warnings).toEqual([expected])
    const doctor = unperf(pkg, 'doctor', '--json')
    expect(doctor.code).toBe(0)
    expect(doctor.json().warnings).toContain(expected)
  })

  it("unperf budget names it too: the gate judged the defaults ('no budgets configured', exit 0 once a run was recorded)", () => {
    const { root, pkg } = monorepo()
    writeFileSync(join(root, 'perf.config.mjs'), "export default { name: 'monotool', budgets: { memory: '1GB' } }")
    const budget = unperf(pkg, 'budget')
    expect(budget.stderr).toContain(`[unperf] warning: no perf.config in ${pkg}, so ${join(root, 'perf.config.mjs')} (in a parent dir) is not read`)
    expect(budget.stdout).toContain('no budgets configured')
    // with the root's config, as the warning says: judged (no run recorded here: exit 1)
    const rooted = unperf(pkg, 'budget', '--root-dir', root)
    expect(rooted.stderr).not.toContain('warning')
    expect(rooted.stderr).toContain('no run recorded')
  })

  it('none when rootDir has a config, a configFile is named, or a .git stands between', () => {
    const { root, pkg } = monorepo()
    expect(parentConfigWarning(pkg, undefined)).toMatch(/^no perf\.config in /)
    expect(parentConfigWarning(pkg, join(pkg, 'perf.config.mjs'))).toBeUndefined()
    mkdirSync(join(root, 'packages', '.git'))
    expect(parentConfigWarning(pkg, undefined)).toBeUndefined()
  })
  it('never above the home dir: none when rootDir is the home dir itself', () => {
    const { root } = monorepo()
    const home = join(root, 'home')
    mkdirSync(home)
    const saved = process.env.HOME
    process.env.HOME = home
    try {
      expect(parentConfigWarning(home, undefined)).toBeUndefined()
    } finally {
      process.env.HOME = saved
    }
  })
})
