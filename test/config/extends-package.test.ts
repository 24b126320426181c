import { mkdirSync, renameSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { loadPerfConfig, loadPerfConfigLayers } from '../../src/config/load.js'
import { ConfigError } from '../../src/errors.js'
import { PKG, project } from './_fixtures.js'

const PRESET_PKG = (main: string) => JSON.stringify({ name: 'acme-preset', version: '1.0.0', type: 'module', main })

describe('extends: a package', () => {
  it('loads the package\'s config, the project overriding it', async () => {
    const dir = project({
      'package.json': PKG,
      'perf.config.ts': `export default { extends: ['acme-preset'], cache: { ttl: '1h' } }`,
      'node_modules/acme-preset/package.json': PRESET_PKG('perf.config.mjs'),
      'node_modules/acme-preset/perf.config.mjs': `export default { cache: { ttl: '5m', maxSize: '10MB' } }`,
    })
    const config = await loadPerfConfig({ cwd: dir })
    expect(config.cache).toMatchObject({ ttl: 3_600_000, maxSize: 10_000_000 })
  })

  it('one that is not installed is a config error naming the file, extends and the package (c12 only warns)', async () => {
    const dir = project({ 'package.json': PKG, 'perf.config.ts': `export default { extends: ['@acme/missing-preset/strict'] }` })
    const error = await loadPerfConfig({ cwd: dir }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ConfigError)
    expect((error as ConfigError).issues[0]).toMatchObject({ file: 'perf.config.ts', path: 'extends', found: '@acme/missing-preset/strict' })
    expect((error as ConfigError).message).toContain(`package '@acme/missing-preset' is not installed`)
  })

  it('installing it after a run that failed is seen on the next run (no snapshot of the config without it)', async () => {
    const dir = project({
      'package.json': PKG,
      'perf.config.ts': `export default { extends: ['acme-preset'] }`,
      'later/acme-preset/package.json': PRESET_PKG('perf.config.mjs'),
      'later/acme-preset/perf.config.mjs': `export default { report: { history: 60 } }`,
    })
    await expect(loadPerfConfig({ cwd: dir })).rejects.toThrow(/not installed/)
    await expect(loadPerfConfig({ cwd: dir })).rejects.toThrow(/not installed/)
    renameSync(join(dir, 'later/acme-preset'), join(dir, 'node_modules/acme-preset'))
    expect((await loadPerfConfig({ cwd: dir })).report.history).toBe(60)
  })

  it('the warm path notices a new version of the package whose entry is another file', async () => {
    const dir = project({
      'package.json': PKG,
      'perf.config.ts': `export default { extends: ['acme-preset'] }`,
      'node_modules/acme-preset/package.json': PRESET_PKG('perf.config.mjs'),
      'node_modules/acme-preset/perf.config.mjs': `export default { report: { history: 60 } }`,
      'node_modules/acme-preset/dist/index.mjs': `export default { report: { history: 99 } }`,
    })
    expect((await loadPerfConfig({ cwd: dir })).report.history).toBe(60)
    expect((await loadPerfConfigLayers({ cwd: dir })).loader).toBe('snapshot')
    writeFileSync(join(dir, 'node_modules/acme-preset/package.json'), PRESET_PKG('dist/index.mjs'))
    expect((await loadPerfConfig({ cwd: dir })).report.history).toBe(99)
  })

  it('the warm path notices the package installed closer to the project than the copy it used', async () => {
    const outer = project({
      'node_modules/acme-preset/package.json': PRESET_PKG('perf.config.mjs'),
      'node_modules/acme-preset/perf.config.mjs': `export default { report: { history: 60 } }`,
    })
    const dir = join(outer, 'app')
    mkdirSync(join(dir, 'node_modules'), { recursive: true })
    writeFileSync(join(dir, 'package.json'), PKG)
    writeFileSync(join(dir, 'perf.config.ts'), `export default { extends: ['acme-preset'] }`)
    expect((await loadPerfConfig({ cwd: dir })).report.history).toBe(60)
    expect((await loadPerfConfigLayers({ cwd: dir })).loader).toBe('snapshot')
    mkdirSync(join(dir, 'node_modules/acme-preset'))
    writeFileSync(join(dir, 'node_modules/acme-preset/perf.config.mjs'), `export default { report: { history: 70 } }`)
    writeFileSync(join(dir, 'node_modules/acme-preset/package.json'), PRESET_PKG('perf.config.mjs'))
    expect((await loadPerfConfig({ cwd: dir })).report.history).toBe(70)
  })

  it("one with no entry (exports, main) loads the perf.config at its root, cold and warm (c12 only warned and ran without it)", async () => {
    const dir = project({
      'package.json': PKG,
      'perf.config.ts': `export default { extends: ['acme-preset'] }`,
      'node_modules/acme-preset/package.json': JSON.stringify({ name: 'acme-preset', version: '1.0.0', type: 'module' }),
      'node_modules/acme-preset/perf.config.mjs': `export default { report: { history: 7 } }`,
    })
    expect((await loadPerfConfig({ cwd: dir })).report.history).toBe(7)
    const warm = await loadPerfConfigLayers({ cwd: dir })
    expect(warm.loader).toBe('snapshot')
    expect(warm.config.report.history).toBe(7)
  })

  it('one with neither an entry nor a perf.config is a config error naming the file, extends and where it looked', async () => {
    const dir = project({
      'package.json': PKG,
      'perf.config.ts': `export default { extends: ['acme-preset'] }`,
      'node_modules/acme-preset/package.json': JSON.stringify({ name: 'acme-preset', version: '1.0.0', type: 'module' }),
      'node_modules/acme-preset/README.md': 'a preset that forgot its config',
    })
    const error = await loadPerfConfig({ cwd: dir }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ConfigError)
    // with where the extends is written (line 1, column 18), as a bad value's
    expect((error as ConfigError).issues[0]).toMatchObject({ file: 'perf.config.ts', path: 'extends', found: 'acme-preset', line: 1, column: 18 })
    expect((error as ConfigError).message).toContain(`perf.config.ts:1:18: extends: package 'acme-preset' has no config: its package.json names no entry (exports or main) and ${join(dir, 'node_modules/acme-preset')} holds no perf.config.{mjs,js,ts,json,...}`)
  })
})
