/**
 * `unperf config` lists the plugins one a line: the plugin, its options, and where its entry is
 * written (the file and key path, the preset). It printed them as one JSON line of every entry
 * (`plugins = [{"plugin":...,"options":...}]`), which a user with a preset and an env block had to
 * take apart to find where a plugin came from. `--json` keeps every field.
 */
import { describe, expect, it } from 'vitest'
import { projectWith } from '../helpers/project.js'
import { unperf } from '../helpers/unperf-cli.js'

describe('unperf config: plugins', () => {
  it('one line each: plugin, options, where it is listed', () => {
    const dir = projectWith(`import own from './plugins/own.mjs'
      export default { extends: ['acme-preset'], plugins: [[own, { level: 2 }]], $env: { ci: { plugins: ['./plugins/ci.mjs'] } } }`, {
      'node_modules/acme-preset/package.json': JSON.stringify({ name: 'acme-preset', version: '1.0.0', type: 'module', exports: './perf.config.mjs' }),
      'node_modules/acme-preset/perf.config.mjs': `export default { plugins: [['./plugins/audit.mjs', { strict: true }]] }`,
      'node_modules/acme-preset/plugins/audit.mjs': `export default { name: 'audit' }`,
      'plugins/own.mjs': `export default { name: 'own' }`,
      'plugins/ci.mjs': `export default { name: 'ci' }`,
    }, 'config-plugins-cli')
    const r = unperf(dir, 'config', '--env', 'ci')
    expect(r.code, r.stderr).toBe(0)
    const lines = r.stdout.split('\n')
    const at = lines.findIndex(l => l.startsWith('plugins (in the order they are set up'))
    expect(at, r.stdout).toBeGreaterThan(0)
    expect(lines.slice(at + 1, at + 4).map(l => l.split(/\s{2,}/).filter(Boolean))).toEqual([
      ['[0]', 'node_modules/acme-preset/plugins/audit.mjs', '{"strict":true}', "plugins[0] of the preset 'acme-preset' (node_modules/acme-preset/perf.config.mjs)"],
      ['[1]', "'own'", '{"level":2}', 'plugins[0] in perf.config.mjs'],
      ['[2]', './plugins/ci.mjs', '{}', '$env.ci.plugins[0] in perf.config.mjs'],
    ])
    expect(r.stdout).not.toContain('plugins = [{')
    const json = unperf(dir, 'config', '--env', 'ci', '--json').json()
    expect(json.config.plugins[2]).toMatchObject({ plugin: './plugins/ci.mjs', from: 'perf.config.mjs', path: '$env.ci.plugins[0]' })
  })
})
