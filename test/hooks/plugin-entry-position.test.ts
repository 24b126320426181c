/**
 * A plugin's warning (and `unperf doctor`'s problem) names where its entry is written as config
 * errors name a key, `file:line:col` (`plugins[0] in perf.config.ts:9:5`): an editor opens it
 * there. Before, `plugins[0] in perf.config.ts`: with a list of twenty plugins, the user counted.
 * Looked up in the layer's own file (TypeScript as written, .perfrc lines, package.json's `perf`, a
 * preset's config) only when a message is made, cold and warm alike; where the entry is not written
 * in a form found with confidence (a spread before it, `overrides`, a list a function builds) the
 * message is as before. Real host packages, real child processes, the built package.
 */
import { spawnSync } from 'node:child_process'
import { readFileSync, symlinkSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { positionOf } from '../helpers/position.js'
import { project } from '../config/_fixtures.js'
import { unperf } from '../helpers/unperf-cli.js'

const repo = join(import.meta.dirname, '../..')

/** A host package with unperf and citty installed (linked to this checkout's). */
function host(files: Record<string, string>): string {
  const dir = project({ 'package.json': JSON.stringify({ name: 'pos-cli', version: '1.0.0', type: 'module' }), ...files })
  symlinkSync(repo, join(dir, 'node_modules/unperf'), 'dir')
  symlinkSync(join(repo, 'node_modules/citty'), join(dir, 'node_modules/citty'), 'dir')
  return dir
}

function run(dir: string, file: string, env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [file], { cwd: dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', XDG_CACHE_HOME: join(dir, '.xdg'), ...env }, timeout: 60_000 })
  expect(r.status, r.stderr).toBe(0)
  return r
}

const CONFIG = `import { definePerfConfig } from 'unperf/config'
import type { PerfConfig } from 'unperf/config'
import { audit } from './plugins/audit.mjs'

/** A shape with the config's keys: its \`plugins\` is no list of the config's. */
interface Shape { plugins: [string, string, string] }
type Level = PerfConfig['name']

export default definePerfConfig({
  report: { console: false, dir: './.perf' } as PerfConfig['report'],
  cache: { driver: 'memory' },
  plugins: [
    './plugins/gone.mjs',
    audit,
      ['./plugins/strict.mjs', { level: 'high' as Level }],
    './plugins/nameless.mjs', './plugins/noisy.mjs',
  ],
})
`

const CLI = `import { defineCommand } from 'citty'
import { runMain, withPerf } from 'unperf/citty'
const main = defineCommand({ meta: { name: 'pos-cli' }, run() { console.log('ran') } })
await runMain(withPerf(main))
`

const PLUGINS = {
  'plugins/audit.mjs': `export const audit = { name: 'audit', setup() { throw new Error('setup exploded') } }`,
  'plugins/strict.mjs': `export default { name: 'strict', setup({ options }) { if (typeof options.level !== 'number') throw new TypeError('options.level: expected a number, got ' + JSON.stringify(options.level)) } }`,
  'plugins/nameless.mjs': `export default { setup() {} }`,
  'plugins/noisy.mjs': `export default { name: 'noisy', hooks: { 'command:after': () => { throw new Error('listener exploded') } } }`,
}

describe("a plugin's message names its entry at file:line:col", () => {
  it('perf.config.ts through unperf/citty: a load failure, a setup that throws, an options check, a plugin without a name, a listener; cold and warm, and report.json', () => {
    const dir = host({ 'perf.config.ts': CONFIG, 'cli.mjs': CLI, ...PLUGINS })
    const at = (needle: string) => `perf.config.ts:${positionOf(CONFIG, needle, 'export default')}`
    const expected = [
      `plugin './plugins/gone.mjs' (plugins[0] in ${at("'./plugins/gone.mjs'")}) failed in load: no file ${join(dir, 'plugins/gone.mjs')}: a plugin's path is relative to rootDir`,
      `plugin './plugins/nameless.mjs' (plugins[3] in ${at("'./plugins/nameless.mjs'")}) failed in load: a plugin must be an object with a non-empty \`name\` (use definePerfPlugin), got an object without one`,
      `plugin 'audit' (plugins[1] in ${at('audit,')}) failed in setup: setup exploded`,
      `plugin 'strict' (plugins[2] in ${at("['./plugins/strict.mjs'")}) failed in setup: options.level: expected a number, got "high"`,
      `plugin 'noisy' (plugins[4] in ${at("'./plugins/noisy.mjs'")}) failed in hook 'command:after': listener exploded`,
    ]
    for (const start of ['cold', 'warm']) {
      const r = run(dir, 'cli.mjs')
      expect(r.stdout, start).toContain('ran')
      const warnings = r.stderr.split('\n').filter(l => l.startsWith('[unperf] warn '))
      expect(warnings, start).toHaveLength(expected.length)
      expected.forEach((message, i) => expect(warnings[i], start).toContain(`[unperf] warn ${message}`))
      // report.json keeps the same messages, and the entry's file and key path as fields
      const written = JSON.parse(readFileSync(join(dir, '.perf/report.json'), 'utf8')) as { warnings: Array<{ message: string; file?: string; path?: string }> }
      expect(written.warnings.map(w => w.message), start).toEqual(warnings.map(l => l.slice('[unperf] warn '.length)))
      expect(written.warnings.map(w => [w.file, w.path]), start).toEqual([0, 3, 1, 2, 4].map(i => [join(dir, 'perf.config.ts'), `plugins[${i}]`]))
    }
    // unperf doctor names the entries of the plugins that cannot be loaded the same way
    const doctor = unperf(dir, 'doctor')
    expect(doctor.stdout).toContain(`✖ plugin     './plugins/gone.mjs' (plugins[0] in ${at("'./plugins/gone.mjs'")}) cannot be loaded: no file`)
    expect(doctor.stdout).toContain(`✖ plugin     './plugins/nameless.mjs' (plugins[3] in ${at("'./plugins/nameless.mjs'")}) cannot be loaded: a plugin must be an object with a non-empty`)
  })

  it("each layer's file: a preset package and a local TypeScript preset, .perfrc lines, package.json's `perf`, an env block; the same plugin twice in one list", () => {
    const preset = `export default {\n  plugins: [\n    './plugins/broken.mjs',\n  ],\n}\n`
    const local = `import type { PerfConfig } from 'unperf/config'\ntype Unused = { plugins: string[] }\nexport default {\n  plugins: ['./local-gone.mjs'],\n} satisfies PerfConfig\n`
    const config = `export default {
  extends: ['acme-preset', './presets/base.ts'],
  report: { console: false, dir: './.perf' }, cache: { driver: 'memory' },
  plugins: [['./plugins/stamp.mjs', { n: 1 }], ['./plugins/stamp.mjs', { n: 2 }]],
  $env: { ci: { plugins: ['./ci-gone.mjs'] } },
}
`
    const pkg = `{\n  "name": "pos-cli",\n  "version": "1.0.0",\n  "type": "module",\n  "perf": {\n    "plugins": ["./pkg-gone.mjs"]\n  }\n}\n`
    const rc = 'name=pos-cli\n# plugins of this checkout\nplugins[]=./rc-ok.mjs\nplugins[]=./rc-gone.mjs\n'
    const dir = host({
      'package.json': pkg, 'perf.config.mjs': config, '.perfrc': rc, 'presets/base.ts': local,
      'node_modules/acme-preset/package.json': JSON.stringify({ name: 'acme-preset', version: '1.0.0', type: 'module', exports: './perf.config.mjs' }),
      'node_modules/acme-preset/perf.config.mjs': preset,
      'node_modules/acme-preset/plugins/broken.mjs': `throw new Error('module exploded')`,
      'plugins/stamp.mjs': `export default { name: 'stamp' }`,
      'rc-ok.mjs': `export default { name: 'rc-ok' }`,
      'main.mjs': `import { createPerf } from 'unperf'\nconst perf = await createPerf()\nawait perf.run('cmd', () => {})\nawait perf.close()\n`,
    })
    for (const start of ['cold', 'warm']) {
      const { stderr } = run(dir, 'main.mjs', { PERF_ENV: 'ci' })
      expect(stderr, start).toContain(`plugin '${join(dir, 'node_modules/acme-preset/plugins/broken.mjs')}' (plugins[0] of the preset 'acme-preset' (node_modules/acme-preset/perf.config.mjs:${positionOf(preset, "'./plugins/broken.mjs'")})) failed in load: module exploded`)
      expect(stderr, start).toContain(`plugin './local-gone.mjs' (plugins[0] of the preset presets/base.ts:${positionOf(local, "'./local-gone.mjs'")}) failed in load: no file`)
      expect(stderr, start).toContain(`plugin './rc-gone.mjs' (plugins[1] in .perfrc:4:1) failed in load: no file`)
      expect(stderr, start).toContain(`plugin './pkg-gone.mjs' (perf.plugins[0] in package.json:${positionOf(pkg, '"./pkg-gone.mjs"')}) failed in load: no file`)
      expect(stderr, start).toContain(`plugin './ci-gone.mjs' ($env.ci.plugins[0] in perf.config.mjs:${positionOf(config, "'./ci-gone.mjs'")}) failed in load: no file`)
      expect(stderr, start).toContain(`plugin 'stamp' is listed twice in one list (plugins[0] in perf.config.mjs:${positionOf(config, "['./plugins/stamp.mjs'")}, then plugins[1] in perf.config.mjs:${positionOf(config, "['./plugins/stamp.mjs', { n: 2 }]")}): it is set up once`)
    }
  })

  it('where the entry is not written where it can be found with confidence, the message is as before: a spread before it, a list a call builds, overrides, two branches of a config function', () => {
    const main = `import { createPerf } from 'unperf'\nconst perf = await createPerf({ overrides: { plugins: ['./over-gone.mjs'] } })\nawait perf.close()\n`
    const cases: Array<[config: string, before: string[], at?: string]> = [
      [`const shared = ['./shared-gone.mjs']\nexport default { report: { console: false }, plugins: [...shared, './after-spread.mjs'] }\n`, ["'./shared-gone.mjs' (plugins[0] in perf.config.mjs)", "'./after-spread.mjs' (plugins[1] in perf.config.mjs)", "'./over-gone.mjs' (plugins[0] in createPerf({ overrides }))"]],
      [`const pick = () => ['./built-gone.mjs']\nexport default { report: { console: false }, plugins: pick() }\n`, ["'./built-gone.mjs' (plugins[0] in perf.config.mjs)"]],
      // either branch's `plugins: [...]` is as likely to be the one read: no place is named
      [`export default () => process.env.BRANCH === 'b'\n  ? { report: { console: false }, plugins: ['./b-gone.mjs'] }\n  : { report: { console: false }, plugins: ['./a-gone.mjs'] }\n`, ["'./a-gone.mjs' (plugins[0] in perf.config.mjs)"]],
      // a config function returning one list written in it: that is where the entry is
      [`export default () => ({\n  report: { console: false },\n  plugins: ['./fn-gone.mjs'],\n})\n`, [], "'./fn-gone.mjs' (plugins[0] in perf.config.mjs:3:13)"],
    ]
    for (const [config, before, at] of cases) {
      const { stderr } = run(host({ 'perf.config.mjs': config, 'main.mjs': main }), 'main.mjs')
      for (const entry of before) expect(stderr, config).toContain(`plugin ${entry} failed in load`)
      if (at) expect(stderr, config).toContain(`plugin ${at} failed in load`)
    }
  })
})
