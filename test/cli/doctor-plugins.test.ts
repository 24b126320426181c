/**
 * `unperf doctor` loads the config's plugins (imports them as a run does, sets none up): one that
 * cannot load is a problem named with where its entry is written (file:line:col, as the run's
 * warning names it). Before, doctor said nothing of plugins: a plugin that failed to load showed
 * only as a warning of the CLI's next run.
 */
import { describe, expect, it } from 'vitest'
import { projectWith } from '../helpers/project.js'
import { configAt } from '../helpers/position.js'
import { unperf } from '../helpers/unperf-cli.js'

describe('unperf doctor: plugins', () => {
  it('loads each plugin; one that cannot load is a problem naming its entry', () => {
    const dir = projectWith(`export default { extends: ['acme-preset'], plugins: ['./plugins/ok.mjs', './plugins/throws.mjs'] }`, {
      'node_modules/acme-preset/package.json': JSON.stringify({ name: 'acme-preset', version: '1.0.0', type: 'module', exports: './perf.config.mjs' }),
      'node_modules/acme-preset/perf.config.mjs': `export default { plugins: ['unperf-plugin-gone'] }`,
      'plugins/ok.mjs': `export default { name: 'ok', setup() { throw new Error('setup is not run by doctor') } }`,
      'plugins/throws.mjs': `throw new Error('module exploded')`,
    }, 'doctor-plugins-cli')
    const r = unperf(dir, 'doctor')
    expect(r.code, r.stdout + r.stderr).toBe(1)
    expect(r.stdout).toContain("✔ plugins    'ok' loaded (not set up: setup() and its options check run with the CLI)")
    // each entry where it is written (file:line:col), as the run's warning names it
    expect(r.stdout).toContain(`✖ plugin     'unperf-plugin-gone' (plugins[0] of the preset 'acme-preset' (${configAt(dir, "'unperf-plugin-gone'", 'node_modules/acme-preset/perf.config.mjs')})) cannot be loaded: package 'unperf-plugin-gone' is not installed`)
    expect(r.stdout).toContain(`✖ plugin     './plugins/throws.mjs' (plugins[1] in ${configAt(dir, "'./plugins/throws.mjs'")}) cannot be loaded: module exploded`)
    expect(r.stdout).not.toContain('setup is not run by doctor')
    const json = unperf(dir, 'doctor', '--json').json() as { ok: boolean; checks: Array<{ check: string; ok: boolean; detail: string }> }
    expect(json.ok).toBe(false)
    expect(json.checks.filter(c => c.check.startsWith('plugin')).map(c => c.ok)).toEqual([true, false, false])
  })

  it("names a plugin whose listener or setup is not a function, or with a misspelt key, as the run's warning does", () => {
    // the run warns about these (plugin-shape.ts) and the listener never runs; doctor said the plugin loaded
    const dir = projectWith(`export default { plugins: ['./plugins/shape.mjs'] }`, {
      'plugins/shape.mjs': `export default { name: 'shape', hook: {}, hooks: { 'command:before': 'log' } }`,
    }, 'doctor-plugin-shape-cli')
    const r = unperf(dir, 'doctor')
    expect(r.code, r.stdout + r.stderr).toBe(1)
    expect(r.stdout).toContain(`✖ plugin     'shape' (plugins[0] in ${configAt(dir, "'./plugins/shape.mjs'")}): hooks['command:before'] is not a function (got string): it is not registered`)
    expect(r.stdout).toContain(`✖ plugin     'shape' (plugins[0] in ${configAt(dir, "'./plugins/shape.mjs'")}): it has a key 'hook', which unperf does not read (did you mean 'hooks'?)`)
  })

  it('warns of two plugins of one name and of a plugin listed twice, as the run does (only one of each is set up)', () => {
    // doctor said "'git', 'stamp' loaded" and nothing of the two files named 'git', one of which a run drops
    const dir = projectWith(`export default { plugins: ['./plugins/git-a.mjs', './plugins/git-b.mjs', './plugins/stamp.mjs', ['./plugins/stamp.mjs', { level: 2 }]] }`, {
      'plugins/git-a.mjs': `export default { name: 'git' }`,
      'plugins/git-b.mjs': `export default { name: 'git' }`,
      // a factory: called once per file, so its two entries are one plugin, not a clash
      'plugins/stamp.mjs': `export default () => ({ name: 'stamp' })`,
    }, 'doctor-plugin-names-cli')
    const r = unperf(dir, 'doctor')
    expect(r.stdout).toContain("✔ plugins    'git', 'stamp' loaded")
    const clash = `two plugins in one list are named 'git' (plugins[0] in ${configAt(dir, "'./plugins/git-a.mjs'")}, then plugins[1] in ${configAt(dir, "'./plugins/git-b.mjs'")}): only the later one is set up`
    const twice = `plugin 'stamp' is listed twice in one list (plugins[2] in ${configAt(dir, "'./plugins/stamp.mjs'")}, then plugins[3] in ${configAt(dir, "['./plugins/stamp.mjs'")}): it is set up once`
    expect(r.stdout).toContain(`! plugins    ${clash}`)
    expect(r.stdout).toContain(`! plugins    ${twice}`)
    const json = unperf(dir, 'doctor', '--json').json() as { warnings: string[] }
    expect(json.warnings).toEqual(expect.arrayContaining([expect.stringContaining(clash), expect.stringContaining(twice)]))
  })
})
