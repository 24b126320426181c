/**
 * A plugin that fails (its module does not import, its setup() throws, its options fail its own
 * check, one of its listeners throws) is reported with where it is listed: the file and the key path
 * of its entry, the preset that brought it in. Before, the name alone: with a preset, an env block
 * and the project each listing plugins, the user could not tell which file to open. The warning on
 * stderr and report.json's `warnings` say it (its message, and `plugin`, `file`, `path`), through c12 (a cold start) and the config snapshot
 * (a warm one) alike, in a real process using the built package.
 */
import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { describe, expect, it } from 'vitest'
import { BASE, projectWith } from '../helpers/project.js'
import { configAt } from '../helpers/position.js'

const dist = join(import.meta.dirname, '../../dist/index.mjs')

describe('a failing plugin is named with where it is listed', () => {
  it('the file and key path of its entry (project, env block, preset package), cold and warm', () => {
    const dir = projectWith(`export default { ${BASE}, extends: ['acme-preset'],
      plugins: ['./plugins/ok.mjs', './plugins/throws.mjs'],
      $env: { ci: { plugins: [['./plugins/strict.mjs', { level: 'high' }]] } },
    }`, {
      'node_modules/acme-preset/package.json': JSON.stringify({ name: 'acme-preset', version: '1.0.0', type: 'module', exports: './perf.config.mjs' }),
      'node_modules/acme-preset/perf.config.mjs': `export default { plugins: ['./plugins/broken.mjs', './plugins/noisy.mjs'] }`,
      'node_modules/acme-preset/plugins/broken.mjs': `throw new Error('module exploded')`,
      'node_modules/acme-preset/plugins/noisy.mjs': `export default { name: 'noisy', hooks: { 'command:after': () => { throw new Error('listener exploded') } } }`,
      'plugins/ok.mjs': `export default { name: 'ok', setup() {} }`,
      'plugins/throws.mjs': `export default { name: 'throws', setup() { throw new Error('setup exploded') } }`,
      'plugins/strict.mjs': `export default { name: 'strict', setup({ options }) { if (typeof options.level !== 'number') throw new TypeError('options.level: expected a number, got ' + JSON.stringify(options.level)) } }`,
      'main.mjs': `import { createPerf } from ${JSON.stringify(pathToFileURL(dist).href)}
        const perf = await createPerf()
        await perf.run('cmd', () => {})
        const report = await perf.close()
        console.log(JSON.stringify(report.warnings.map(w => w.message)))`,
    }, 'plugin-listed-cli')
    for (const start of ['cold', 'warm']) {
      const r = spawnSync(process.execPath, ['main.mjs'], { cwd: dir, encoding: 'utf8', env: { ...process.env, PERF_ENV: 'ci', XDG_CACHE_HOME: join(dir, 'xdg') }, timeout: 30_000 })
      expect(r.status, `${start}: ${r.stderr}`).toBe(0)
      const broken = join(dir, 'node_modules/acme-preset/plugins/broken.mjs')
      // file:line:col of each entry, as config errors name a key
      const presetAt = (needle: string) => configAt(dir, needle, 'node_modules/acme-preset/perf.config.mjs')
      const expected = [
        `plugin '${broken}' (plugins[0] of the preset 'acme-preset' (${presetAt("'./plugins/broken.mjs'")})) failed in load: module exploded`,
        `plugin 'throws' (plugins[1] in ${configAt(dir, "'./plugins/throws.mjs'")}) failed in setup: setup exploded`,
        `plugin 'strict' ($env.ci.plugins[0] in ${configAt(dir, "['./plugins/strict.mjs'")}) failed in setup: options.level: expected a number, got "high"`,
        `plugin 'noisy' (plugins[1] of the preset 'acme-preset' (${presetAt("'./plugins/noisy.mjs'")})) failed in hook 'command:after': listener exploded`,
      ]
      for (const message of expected) expect(r.stderr, start).toContain(`[unperf] warn ${message}\n`)
      // report.json's warnings, as the run returned them and as written
      expect(JSON.parse(r.stdout), start).toEqual(expected)
      const written = JSON.parse(readFileSync(join(dir, '.perf/report.json'), 'utf8')) as { warnings: Array<{ message: string }> }
      expect(written.warnings.map(w => w.message), start).toEqual(expected)
      // and as fields, for a tool reading the report: the plugin, the file, the key path
      const preset = join(dir, 'node_modules/acme-preset/perf.config.mjs')
      const config = join(dir, 'perf.config.mjs')
      expect(written.warnings.map(({ message: _, ...rest }) => rest), start).toEqual([
        { code: `plugin:${broken}:load`, plugin: broken, file: preset, path: 'plugins[0]' },
        { code: 'plugin:throws:setup', plugin: 'throws', file: config, path: 'plugins[1]' },
        { code: 'plugin:strict:setup', plugin: 'strict', file: config, path: '$env.ci.plugins[0]' },
        { code: "plugin:noisy:hook 'command:after'", plugin: 'noisy', file: preset, path: 'plugins[1]' },
      ])
    }
  })
})
