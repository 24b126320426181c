/**
 * `unperf init` writes perf.config.ts (API.md), in every project. For a project without TypeScript,
 * `--format js` writes perf.config.mjs, typed by a JSDoc `@type` import of unperf/config's PerfConfig:
 * it loads, and an editor's TypeScript completes and checks it (a misspelt key is an error), with
 * nothing imported at run time.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import ts from 'typescript'
import { describe, expect, it } from 'vitest'
import { tempDir } from '../helpers/tmp.js'
import { unperf, unperfWithEnv } from '../helpers/unperf-cli.js'

const root = join(import.meta.dirname, '../..')

function project(pkg: Record<string, unknown> = {}, files: Record<string, string> = {}): string {
  const dir = tempDir('unperf-init-format-')
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'init-format', version: '1.0.0', ...pkg }))
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text)
  return dir
}

/**
 * What an editor's TypeScript reports in each JS file under its `// @ts-check`, by file (unperf/config
 * resolved to this checkout's declarations; only these files checked).
 */
function typeErrors(...files: string[]): string[][] {
  const program = ts.createProgram(files, {
    allowJs: true, checkJs: true, noEmit: true, strict: true, skipLibCheck: true,
    target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext,
    lib: ['lib.es2022.d.ts'], types: [], paths: { 'unperf/config': [join(root, 'dist/config.d.mts')] },
  })
  return files.map(file => ts.getPreEmitDiagnostics(program, program.getSourceFile(file)).map(d => ts.flattenDiagnosticMessageText(d.messageText, '\n')))
}

describe('unperf init --format js: perf.config.mjs for a project without TypeScript', () => {
  it('writes perf.config.mjs typed by JSDoc: it loads, and type-checks as an editor does (a misspelt key is an error)', () => {
    const dir = project()
    // without REDIS_URL: no redis tier, nothing read from the environment
    const r = unperfWithEnv(dir, { REDIS_URL: undefined }, 'init', '--format', 'js', '--json')
    expect(r.code, r.stderr).toBe(0)
    const file = join(dir, 'perf.config.mjs')
    expect(r.json()).toMatchObject({ file, format: 'js' })
    expect(existsSync(join(dir, 'perf.config.ts'))).toBe(false)
    const text = readFileSync(file, 'utf8')
    expect(text).toContain("/** @type {import('unperf/config').PerfConfig} */\nexport default {")
    expect(text).not.toMatch(/^import /m) // nothing imported at run time
    expect(unperf(dir, 'config', '--json').json().config).toMatchObject({ configFile: file, budgets: { mode: 'warn' } })
    const misspelt = join(dir, 'misspelt.mjs')
    writeFileSync(misspelt, text.replace("ttl: '1d'", "tll: '1d'"))
    expect(typeErrors(file, misspelt)).toEqual([[], [expect.stringContaining("'tll' does not exist")]])
  }, 60_000)

  it('with REDIS_URL set, the redis tier it writes reads the variable in a way @ts-check takes without @types/node', () => {
    // was `url: process.env.REDIS_URL`: "Cannot find name 'process'" in an editor of a project without @types/node
    const dir = project()
    const r = unperfWithEnv(dir, { REDIS_URL: 'redis://127.0.0.1:6379' }, 'init', '--format', 'js', '--json')
    expect(r.json()).toMatchObject({ format: 'js', redis: true })
    const file = join(dir, 'perf.config.mjs')
    const text = readFileSync(file, 'utf8')
    expect(text).toContain('REDIS_URL')
    expect(text).not.toContain('redis://127.0.0.1') // the url is read when the config loads, never written
    expect(text).not.toMatch(/^import /m)
    expect(typeErrors(file)).toEqual([[]])
    // and it still reads the variable: the ci env's redis tier has the url of the run
    const ci = unperfWithEnv(dir, { REDIS_URL: 'redis://127.0.0.1:6390/2' }, 'config', '--env', 'ci', '--json')
    expect(ci.json().config.cache.tiers).toContainEqual(expect.objectContaining({ driver: 'redis', url: 'redis://127.0.0.1:6390/2' }))
  }, 60_000)

  it('perf.config.ts by default, in a project without TypeScript too (API.md); --format ts|js chooses; another --format is bad usage', () => {
    const plain = project()
    expect(unperf(plain, 'init', '--json').json()).toMatchObject({ file: join(plain, 'perf.config.ts'), format: 'ts' })
    expect(readFileSync(join(plain, 'perf.config.ts'), 'utf8')).toMatch(/^import \{ definePerfConfig \} from 'unperf\/config'\n[^]*export default definePerfConfig\(\{\n[^]*\}\)\n$/)
    expect(unperf(plain, 'config', '--json').json().config.configFile).toBe(join(plain, 'perf.config.ts'))
    const jsAsked = project({ devDependencies: { typescript: '^5.9.0' } })
    expect(unperf(jsAsked, 'init', '--format', 'js', '--json').json().file).toBe(join(jsAsked, 'perf.config.mjs'))
    const tsAsked = project()
    expect(unperf(tsAsked, 'init', '--format=ts', '--json').json().file).toBe(join(tsAsked, 'perf.config.ts'))
    // --force overwrites the file of that name, hand-written or not: its help said 'a config written by init'
    const handWritten = project({}, { 'perf.config.ts': 'export default {}\n' })
    expect(unperf(handWritten, 'init', '--force').code).toBe(0)
    expect(readFileSync(join(handWritten, 'perf.config.ts'), 'utf8')).toContain('definePerfConfig')
    expect(unperf(handWritten, 'init', '--help').stdout.split('\n').find(line => line.includes('--force'))).toMatch(/of the same name .*whoever wrote it/)
    const bad = unperf(project(), 'init', '--format', 'yaml', '--json')
    expect(bad.code).toBe(2)
    expect(bad.json().error).toMatchObject({ name: 'UsageError', message: "--format: expected 'ts' or 'js', got 'yaml'" })
  }, 60_000)
})
