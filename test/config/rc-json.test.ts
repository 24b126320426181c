/**
 * `.perfrc` written as JSON, as .eslintrc, .babelrc and .prettierrc are: c12 reads `.perfrc` as
 * `key=value` lines, which gives nothing for JSON, so the whole file (its plugins too) was ignored
 * without a word. It is read as JSON, cold and from the snapshot, below the config file and above
 * package.json's `perf` (plugins concatenate in that order, paths relative to rootDir); JSON that
 * does not parse is a config error naming the file. `key=value` lines work as before.
 */
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { loadPerfConfig, loadPerfConfigLayers } from '../../src/config/load.js'
import { ConfigError } from '../../src/errors.js'
import { project } from './_fixtures.js'

const PKG_WITH_PERF = JSON.stringify({ name: 'rc-cli', version: '1.0.0', type: 'module', perf: { plugins: ['./plugins/pj.mjs'], report: { history: 5 } } })

describe('.perfrc as JSON', () => {
  it('is read, cold and warm, between the config file and package.json#perf', async () => {
    const dir = project({
      'package.json': PKG_WITH_PERF,
      '.perfrc': `{\n  "plugins": [["./plugins/rc.mjs", { "level": 2 }]],\n  "report": { "history": 9 },\n  "cache": { "ttl": "1h" }\n}\n`,
      'perf.config.mjs': `export default { cache: { ttl: '5m' } }`,
    })
    for (const loader of ['c12', 'snapshot']) {
      const { config, layers, loader: used } = await loadPerfConfigLayers({ cwd: dir })
      expect(used).toBe(loader)
      expect(layers.map(l => l.name)).toEqual(['perf.config.mjs', '.perfrc', 'package.json#perf'])
      expect(config.plugins).toEqual([
        { plugin: './plugins/pj.mjs', options: {}, from: 'package.json#perf', file: join(dir, 'package.json'), path: 'plugins[0]' },
        { plugin: './plugins/rc.mjs', options: { level: 2 }, from: '.perfrc', file: join(dir, '.perfrc'), path: 'plugins[0]' },
      ])
      expect(config.report.history).toBe(9)
      expect(config.cache.ttl).toBe(300_000)
    }
  })

  it('that does not parse is a config error naming .perfrc', async () => {
    const dir = project({ 'package.json': PKG_WITH_PERF, '.perfrc': `{ "plugins": ["./plugins/rc.mjs",] }` })
    const error = await loadPerfConfig({ cwd: dir }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ConfigError)
    expect((error as ConfigError).message).toMatch(/^  - \.perfrc:1:34: not valid JSON \(Unexpected token '\]' \(a trailing comma before it\?\)\); write JSON, or `key=value` lines \(`plugins\[\]=\.\/plugins\/x\.mjs`\)/m)
  })

  it('key=value lines are read as before', async () => {
    const dir = project({ 'package.json': PKG_WITH_PERF, '.perfrc': 'plugins[]=./plugins/rc.mjs\nreport.history=8\n' })
    const config = await loadPerfConfig({ cwd: dir })
    expect(config.plugins.map(p => p.plugin)).toEqual(['./plugins/pj.mjs', './plugins/rc.mjs'])
    expect(config.report.history).toBe(8)
  })
})

describe('extends from .perfrc or package.json#perf', () => {
  const errorOf = (dir: string) => loadPerfConfig({ cwd: dir, noSnapshot: true }).then(() => new Error('loaded'), (e: Error) => e)

  it("a JSON .perfrc's extends is a config error saying how to write it (it was dropped without a word); key=value lines apply it", async () => {
    const json = project({ 'package.json': PKG_WITH_PERF, 'base.mjs': `export default { cache: { maxSize: '7MB' } }`, '.perfrc': `{ "extends": "./base.mjs", "cache": { "ttl": "3h" } }` })
    const error = await errorOf(json)
    expect(error).toBeInstanceOf(ConfigError)
    expect(error.message).toContain('.perfrc:1:3: extends: not applied from a JSON .perfrc; write the .perfrc as key=value lines (extends=./base.mjs)')
    const lines = project({ 'package.json': PKG_WITH_PERF, 'base.mjs': `export default { cache: { maxSize: '7MB' } }`, '.perfrc': `extends=./base.mjs\ncache.ttl=3h\n` })
    const config = await loadPerfConfig({ cwd: lines })
    expect([config.cache.maxSize, config.cache.ttl]).toEqual([7_000_000, 3 * 3_600_000])
  })

  it('an extends that is not there is named in .perfrc or package.json, not in a perf.config that does not exist', async () => {
    const rc = project({ 'package.json': PKG_WITH_PERF, '.perfrc': `extends=./gone.mjs\n` })
    // at its line (package.json's perf names the file alone, as for a bad value there)
    expect((await errorOf(rc)).message).toMatch(/ - \.perfrc:1:1: extends: '\.\/gone\.mjs' was not found/)
    const pkg = project({ 'package.json': JSON.stringify({ name: 'x', version: '1.0.0', perf: { extends: ['./gone.mjs'] } }) })
    expect((await errorOf(pkg)).message).toMatch(/ - package\.json: extends: '\.\/gone\.mjs' was not found/)
  })
})
