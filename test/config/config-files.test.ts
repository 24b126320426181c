/**
 * The config files c12 skipped or dropped without a word: a package.json that is not JSON (read as
 * if empty: the default `name` became 'unperf-app', another project's cache dir, and its `perf`
 * config vanished), or whose `perf` is not an object, and a directory where a config file is
 * looked for (`perf.config.mjs/`, `.config/perf.config.ts/`, `.perfrc/`, `package.json/`). Each is a
 * config error naming the file (and line:column for JSON), cold and on a warm start; the CLI exits 2.
 * So are two config files (`perf.config.js` beside `perf.config.ts`, tsc's output of it), in the root
 * or in a preset's dir: c12 loaded the first, and edits of the other changed nothing, on a warm start too.
 */
import { existsSync, mkdirSync, unlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { loadPerfConfig, loadPerfConfigLayers } from '../../src/config/load.js'
import { ConfigError } from '../../src/errors.js'
import { unperf } from '../helpers/unperf-cli.js'
import { PKG, project } from './_fixtures.js'

const CONFIG = `export default { cache: { driver: 'memory' } }\n`

async function configError(dir: string, configFile?: string): Promise<ConfigError> {
  const error = await loadPerfConfig({ cwd: dir, ...(configFile && { configFile }) }).catch((e: unknown) => e)
  expect(error).toBeInstanceOf(ConfigError)
  return error as ConfigError
}

describe('package.json next to the config', () => {
  it('not JSON: a config error at its line and column, with or without a perf.config', async () => {
    const broken = '{\n  "name": "acme-cli",\n  "perf": { "report": { "history": 5 } },\n}\n'
    for (const files of [{ 'package.json': broken, 'perf.config.mjs': CONFIG }, { 'package.json': broken }] as Record<string, string>[]) {
      const dir = project(files)
      const error = await configError(dir)
      const file = 'package.json' // relative to rootDir, as a bad value's; the absolute path in filePath
      expect(error.issues).toMatchObject([{ file, filePath: join(dir, file), line: 4, column: 1 }])
      expect(error.message).toContain(`${file}:4:1: not valid JSON: Expected double-quoted property name (a trailing comma before it?) (unperf reads its name and version, and its "perf" key as config)`)
    }
    // an error JSON.parse gives no position for (Node 20): found all the same
    const token = project({ 'package.json': '{\n  "name": acme\n}\n' })
    expect((await configError(token)).message).toContain(`package.json:2:11: not valid JSON: Unexpected token 'a'`)
    const array = project({ 'package.json': '["acme"]' })
    expect((await configError(array)).message).toContain(`package.json: expected a JSON object ({ "name": ... }), got an array`)
  })

  it('perf.config.json that does not parse: its line and column too (JSON.parse said `at position 34`)', async () => {
    const dir = project({ 'package.json': PKG, 'perf.config.json': '{\n  "cache": {\n    "ttl": "1h",\n  }\n}\n' })
    const error = await configError(dir)
    const file = 'perf.config.json'
    expect(error.issues).toMatchObject([{ file, filePath: join(dir, file), line: 4, column: 3 }])
    expect(error.message).toContain(`${file}:4:3: could not load the config: not valid JSON: Expected double-quoted property name (a trailing comma before it?)`)
  })

  it('`perf` not an object: the error points at the key', async () => {
    const dir = project({ 'package.json': '{\n  "name": "acme-cli",\n  "perf": "./perf.config.mjs"\n}\n' })
    const error = await configError(dir)
    const file = 'package.json'
    expect(error.issues).toMatchObject([{ file, filePath: join(dir, file), path: 'perf', line: 3, column: 3 }])
    expect(error.message).toContain(`${file}:3:3: perf: expected an object (the config under package.json's "perf" key), got './perf.config.mjs'`)
  })

  it('broken after a warm start: the next start fails too (the snapshot does not hide it)', async () => {
    const dir = project({ 'package.json': PKG, 'perf.config.mjs': CONFIG })
    expect((await loadPerfConfig({ cwd: dir })).name).toBe('acme-cli')
    expect((await loadPerfConfig({ cwd: dir })).name).toBe('acme-cli') // from the snapshot
    writeFileSync(join(dir, 'package.json'), PKG.slice(0, -1))
    expect((await configError(dir)).message).toContain('package.json:1:')
  })

  it('a byte order mark before the JSON is read past, as npm does', async () => {
    const dir = project({ 'package.json': `\ufeff${PKG}`, 'perf.config.mjs': CONFIG })
    expect((await loadPerfConfig({ cwd: dir })).name).toBe('acme-cli')
  })

  it('the unperf CLI exits 2 with the file, line and column (--json: in the issue)', () => {
    const dir = project({ 'package.json': '{\n  "name": "acme-cli",\n}\n' })
    const r = unperf(dir, 'cache', 'info', '--json')
    expect(r.code).toBe(2)
    expect(r.json().error).toMatchObject({ name: 'ConfigError', issues: [{ file: 'package.json', filePath: join(dir, 'package.json'), line: 3, column: 1 }] })
    expect(r.stderr).toContain('package.json:3:1: not valid JSON')
  })
})

describe('a package.json above rootDir, none in it', () => {
  it("is not the host's: no `perf` layer from it, cold and warm alike (c12 read its `perf` key, the snapshot never looked at it)", async () => {
    // c12's package.json lookup walks up from rootDir: its `perf` key was applied through c12 while the
    // name and version (rootDir's package.json) were not, and a warm start (whose inputs hold rootDir's
    // package.json alone) served a snapshot made before that file was edited
    const dir = project({ 'package.json': JSON.stringify({ name: 'mono', version: '2.0.0', perf: { cache: { compress: '1KB' } } }), 'tool/perf.config.mjs': CONFIG })
    const rootDir = join(dir, 'tool')
    const load = async (noSnapshot = false) => {
      const { config, layers, loader } = await loadPerfConfigLayers({ rootDir, noSnapshot })
      return [config.name, config.cache.compress, layers.map(l => l.name), loader]
    }
    expect(await load(true)).toEqual(['unperf-app', 4000, ['perf.config.mjs'], 'c12'])
    expect(await load()).toEqual(['unperf-app', 4000, ['perf.config.mjs'], 'c12'])
    expect(await load()).toEqual(['unperf-app', 4000, ['perf.config.mjs'], 'snapshot'])
    // one made in rootDir is the host's: read on the next start
    writeFileSync(join(rootDir, 'package.json'), JSON.stringify({ name: 'tool', perf: { cache: { compress: '2KB' } } }))
    expect(await load()).toEqual(['tool', 2000, ['perf.config.mjs', 'package.json#perf'], 'c12'])
    expect(await load()).toEqual(['tool', 2000, ['perf.config.mjs', 'package.json#perf'], 'snapshot'])
  })
})

describe('a directory where a config file is looked for', () => {
  const said = (path: string) => `${path}: a directory, expected a file (unperf looks for its config there: rename or remove the directory)`

  it('perf.config.mjs, .config/perf.config.ts, .perfrc, package.json, a configFile given: named, not skipped', async () => {
    // a directory ahead of the config file in c12's order (.mjs before .json) hid nothing: it was stepped over
    for (const [path, files] of [
      ['perf.config.mjs', { 'package.json': PKG, 'perf.config.json': '{ "report": { "history": 3 } }' }],
      ['.config/perf.config.ts', { 'package.json': PKG }],
      ['.perfrc', { 'package.json': PKG, 'perf.config.mjs': CONFIG }],
      ['package.json', { 'perf.config.mjs': CONFIG }],
    ] as const) {
      const dir = project(files)
      mkdirSync(join(dir, path), { recursive: true })
      const error = await configError(dir)
      expect(error.issues, path).toMatchObject([{ file: path, filePath: join(dir, path), expected: 'a file', found: 'a directory' }])
      expect(error.message, path).toContain(said(path))
    }
    const dir = project({ 'package.json': PKG })
    mkdirSync(join(dir, 'custom.mjs'))
    expect((await configError(dir, 'custom.mjs')).message).toContain(said('custom.mjs'))
  })

  it('made after a warm start: the next start says so', async () => {
    const dir = project({ 'package.json': PKG })
    await loadPerfConfig({ cwd: dir })
    await loadPerfConfig({ cwd: dir })
    mkdirSync(join(dir, 'perf.config.mjs'))
    expect((await configError(dir)).message).toContain(said('perf.config.mjs'))
    const r = unperf(dir, 'config')
    expect(r.code).toBe(2)
    expect(r.stderr).toContain(said('perf.config.mjs'))
  })
})

describe('two config files', () => {
  const TS = `export default { cache: { ttl: '2h' } }\n`

  it('perf.config.js beside perf.config.ts (tsc compiled it there): an error naming both, the one loaded and the way out', async () => {
    // before: c12 loaded perf.config.js, and the edited perf.config.ts was never read, without a word
    const dir = project({ 'package.json': PKG, 'perf.config.js': CONFIG, 'perf.config.ts': TS })
    const error = await configError(dir)
    expect(error.issues).toMatchObject([{ file: 'perf.config.js', expected: 'one config file', found: ['perf.config.js', 'perf.config.ts'] }])
    expect(error.message).toContain(`${dir}: two config files, perf.config.js and perf.config.ts: unperf loads perf.config.js (the first in c12's order`)
    expect(error.message).toContain(`would never read perf.config.ts, so an edit there would change nothing; remove or rename one (perf.config.js beside perf.config.ts is often tsc's output of it: give tsconfig.json an "include" without it, or an "outDir")`)
    const r = unperf(dir, 'config')
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('two config files, perf.config.js and perf.config.ts')
    // three, one of them in .config/: every one named
    writeFileSync(join(dir, 'perf.config.json'), '{}')
    mkdirSync(join(dir, '.config'))
    writeFileSync(join(dir, '.config/perf.config.mjs'), CONFIG)
    expect((await configError(dir)).message).toContain('4 config files, perf.config.js, perf.config.ts, perf.config.json and .config/perf.config.mjs: unperf loads perf.config.js')
    // one alone is fine, and a configFile given names its file: no ambiguity
    for (const f of ['perf.config.json', '.config/perf.config.mjs', 'perf.config.js']) unlinkSync(join(dir, f))
    expect((await loadPerfConfig({ cwd: dir })).cache.ttl).toBe(7_200_000)
  })

  it("in a preset's dir (extends './presets', a package without an entry): the same error, naming the extends", async () => {
    // before: the preset's perf.config.js was loaded and its perf.config.ts never read, without a word
    const dir = project({ 'package.json': PKG, 'perf.config.mjs': `export default { extends: './presets' }\n`, 'presets/perf.config.js': CONFIG, 'presets/perf.config.ts': TS })
    const error = await configError(dir)
    expect(error.issues).toMatchObject([{ expected: 'one config file', found: ['perf.config.js', 'perf.config.ts'] }])
    expect(error.message).toContain(`${join(dir, 'presets')} (extends './presets' in perf.config.mjs): two config files, perf.config.js and perf.config.ts: unperf loads perf.config.js`)
    expect(error.message).toContain(`(perf.config.js beside perf.config.ts is often tsc's output of it`)
    const r = unperf(dir, 'config')
    expect(r.code).toBe(2)
    expect(r.stderr).toContain("(extends './presets' in perf.config.mjs): two config files, perf.config.js and perf.config.ts")
    // a package preset with no entry: its dir's perf.config, the same rule
    const pkg = project({
      'package.json': PKG, 'perf.config.mjs': `export default { extends: 'acme-preset' }\n`,
      'node_modules/acme-preset/package.json': JSON.stringify({ name: 'acme-preset', version: '1.0.0' }),
      'node_modules/acme-preset/perf.config.mjs': CONFIG, 'node_modules/acme-preset/.config/perf.config.ts': TS,
    })
    expect((await configError(pkg)).message).toContain(`${join(pkg, 'node_modules/acme-preset')} (extends 'acme-preset' in perf.config.mjs): two config files, perf.config.mjs and .config/perf.config.ts: unperf loads perf.config.mjs`)
    // one alone is fine
    unlinkSync(join(dir, 'presets/perf.config.js'))
    expect((await loadPerfConfig({ cwd: dir })).cache.ttl).toBe(7_200_000)
    unlinkSync(join(pkg, 'node_modules/acme-preset/.config/perf.config.ts'))
    expect((await loadPerfConfig({ cwd: pkg })).cache.driver).toBe('memory')
  })

  it('one added after a warm start, behind the one loaded: the snapshot is stale and the next start says so', async () => {
    for (const [loaded, added] of [['perf.config.js', 'perf.config.ts'], ['perf.config.ts', '.config/perf.config.ts']]) {
      const dir = project({ 'package.json': PKG, 'node_modules/.keep': '', [loaded]: CONFIG })
      await loadPerfConfig({ cwd: dir })
      expect((await loadPerfConfigLayers({ cwd: dir })).loader, loaded).toBe('snapshot')
      mkdirSync(join(dir, added, '..'), { recursive: true })
      writeFileSync(join(dir, added), TS)
      expect((await configError(dir)).message, added).toContain(`two config files, ${loaded} and ${added}`)
    }
  })

  it("in a preset's dir too: one added behind the one its extends loaded makes the snapshot stale", async () => {
    // the preset dir's candidates after the one loaded were no input: the warm start kept loading
    // the old snapshot, where the cold load refused the pair
    const pkgPreset = { 'node_modules/acme-preset/package.json': JSON.stringify({ name: 'acme-preset', version: '1.0.0' }), 'node_modules/acme-preset/perf.config.mjs': CONFIG }
    for (const [extended, presetDir, added] of [
      ['./presets', 'presets', 'perf.config.cts'], ['./presets', 'presets', '.config/perf.config.mjs'], ['acme-preset', 'node_modules/acme-preset', 'perf.config.json'],
    ] as const) {
      const dir = project({ 'package.json': PKG, 'perf.config.mjs': `export default { extends: '${extended}' }\n`, 'presets/perf.config.mjs': CONFIG, ...pkgPreset })
      await loadPerfConfig({ cwd: dir })
      expect((await loadPerfConfigLayers({ cwd: dir })).loader, added).toBe('snapshot')
      mkdirSync(join(dir, presetDir, added, '..'), { recursive: true })
      writeFileSync(join(dir, presetDir, added), added.endsWith('.json') ? '{}' : TS)
      expect((await configError(dir)).message, added).toContain(`(extends '${extended}' in perf.config.mjs): two config files, perf.config.mjs and ${added}`)
    }
  })
})

describe('.config/perf.config.ts and .env', () => {
  // c12 resolves a relative extends in .config/ from rootDir, and reads no .env (its dotenv is off):
  // both documented (docs/config.md), the same cold and on a warm start from the snapshot
  it("a relative extends in .config/ resolves from rootDir; a value kept in .env does not reach process.env.X, cold or warm", async () => {
    delete process.env.UNPERF_TEST_DOTENV_TTL
    const dir = project({
      'package.json': PKG,
      '.config/perf.config.ts': "export default { extends: './presets/base.ts', cache: { ttl: process.env.UNPERF_TEST_DOTENV_TTL ?? '1h' } }\n",
      'presets/base.ts': 'export default { concurrency: { default: 3 } }\n',
      '.env': 'UNPERF_TEST_DOTENV_TTL=2h\n',
    })
    const snapshots = join(dir, 'node_modules/.cache/unperf/config')
    for (const which of ['cold', 'warm']) {
      expect(existsSync(snapshots), which).toBe(which === 'warm')
      const config = await loadPerfConfig({ cwd: dir })
      expect([config.concurrency.default, config.cache.ttl], which).toEqual([3, 3_600_000])
    }
    expect(process.env.UNPERF_TEST_DOTENV_TTL).toBeUndefined()
  })

  it('UNPERF_NO_SNAPSHOT=1 writes no snapshot; jiti\'s private copy of a .ts config still is, beside where the snapshot would be', async () => {
    const dir = project({ 'package.json': PKG, 'perf.config.ts': "export default { cache: { ttl: '2h' } }\n" })
    const saved = process.env.UNPERF_NO_SNAPSHOT
    process.env.UNPERF_NO_SNAPSHOT = '1'
    try {
      expect((await loadPerfConfig({ cwd: dir })).cache.ttl).toBe(7_200_000)
    } finally {
      if (saved === undefined) delete process.env.UNPERF_NO_SNAPSHOT
      else process.env.UNPERF_NO_SNAPSHOT = saved
    }
    expect(existsSync(join(dir, 'node_modules/.cache/unperf/config'))).toBe(false)
    expect(existsSync(join(dir, 'node_modules/.cache/unperf/jiti'))).toBe(true)
  })
})
