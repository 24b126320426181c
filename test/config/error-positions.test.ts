/**
 * A config error's `file:line:col` is where the user wrote the bad key (or the throw) in the
 * file as written: TypeScript's imports, interfaces and type annotations above or beside it do
 * not move it, on the cold path (c12 + jiti) and on the warm path (the config snapshot), through
 * the `unperf` binary and through createPerf.
 */
import { existsSync, readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { createPerf } from '../../src/index.js'
import { loadPerfConfig } from '../../src/config/load.js'
import { ConfigError } from '../../src/errors.js'
import { unperf } from '../helpers/unperf-cli.js'
import { PKG, project } from './_fixtures.js'

/** 1-based line and column of the first `needle` after `after` in `text`. */
function positionOf(text: string, needle: string, after = ''): string {
  const offset = text.indexOf(needle, after ? text.indexOf(after) : 0)
  if (offset < 0) throw new Error(`${needle} not in fixture`)
  const before = text.slice(0, offset)
  return `${before.split('\n').length}:${offset - before.lastIndexOf('\n')}`
}

async function configError(promise: Promise<unknown>): Promise<ConfigError> {
  const error = await promise.then(() => undefined, (e: unknown) => e)
  expect(error).toBeInstanceOf(ConfigError)
  return error as ConfigError
}

const TYPED = `import { definePerfConfig } from 'unperf/config'
import type { PerfConfig } from 'unperf/config'

/** A shape with the same keys as the config: its \`ttl\` is no config's. */
interface Settings {
  cache: {
    ttl: string
    maxSize: number
  }
}

const defaults: Settings = { cache: { ttl: 'forever', maxSize: 1 } }
type Mode = 'a' | 'b'
const mode: Mode = 'a'

export default definePerfConfig({
  name: mode as string, report: { console: false },
  cache: { maxSize: '10MB' as PerfConfig['cache'] extends infer C ? string : never, ttl: 'forever' },
  $env: { ci: { cache: { ttl: 0 } } },
})
`

describe('config error positions', () => {
  it('unperf config: a bad value in perf.config.ts is named at its line and column in the .ts file, cold and warm (exit 2)', () => {
    const dir = project({ 'package.json': PKG, 'perf.config.ts': TYPED })
    const at = positionOf(TYPED, "ttl: 'forever' }", 'export default')
    const cold = unperf(dir, 'config')
    expect(cold.code).toBe(2)
    expect(cold.stderr).toContain(`perf.config.ts:${at}: cache.ttl: expected a duration like '10m', a number of ms, or false, got 'forever'`)
    // the snapshot was written on that cold load: the next run reads it (warm path)
    expect(readdirSync(join(dir, 'node_modules/.cache/unperf/config')).some(n => n.startsWith('manifest-'))).toBe(true)
    const warm = unperf(dir, 'config')
    expect(warm.code).toBe(2)
    expect(warm.stderr).toContain(`perf.config.ts:${at}: cache.ttl: expected a duration`)
    // an env block's key: at its own place
    const ci = unperf(dir, 'config', '--env', 'ci')
    expect(ci.code).toBe(2)
    expect(ci.stderr).toContain(`perf.config.ts:${positionOf(TYPED, 'ttl: 0')}: $env.ci.cache.ttl: expected a duration greater than 0`)
  })

  it('createPerf: the issue carries line and column, and the message names file:line:col', async () => {
    const dir = project({ 'package.json': PKG, 'perf.config.ts': TYPED })
    const [line, column] = positionOf(TYPED, "ttl: 'forever' }", 'export default').split(':').map(Number)
    for (const pass of ['cold', 'warm']) {
      const error = await configError(createPerf({ cwd: dir, env: 'production' }))
      // and $env.ci's ttl: 0, which every env's load reports (other-env-blocks.test.ts)
      expect(error.issues.map(i => i.path), pass).toEqual(['cache.ttl', '$env.ci.cache.ttl'])
      expect(error.issues[0], pass).toMatchObject({ file: 'perf.config.ts', path: 'cache.ttl', line, column })
      expect(error.message, pass).toContain(`perf.config.ts:${line}:${column}: cache.ttl: expected`)
    }
  })

  it('a key written in a variable (`{ cache }` with `const cache = ...` above) and an array item are found', async () => {
    const text = `interface T { files: { limit: string }[] }
const cache: { ttl: string } = {
  ttl: 'lots',
}
const budgets = { files: [{ path: 'a', limit: '1kB' }, { path: 'b', limit: 'big' }] }
export default { cache, budgets }
`
    const dir = project({ 'package.json': PKG, 'perf.config.ts': text })
    const error = await configError(loadPerfConfig({ cwd: dir }))
    const messages = error.issues.map(i => i.message)
    expect(messages).toContain(`perf.config.ts:${positionOf(text, "ttl: 'lots'")}: cache.ttl: expected a duration like '10m', a number of ms, or false, got 'lots'`)
    expect(messages).toContain(`perf.config.ts:${positionOf(text, "limit: 'big'")}: budgets.files[1].limit: expected a size like '50MB' or a number of bytes, got 'big'`)
  })

  it('a bad value in a preset (`extends`) is named at its line in the preset', async () => {
    const base = `import type { PerfConfig } from 'unperf/config'\ntype Unused = { ttl: string }\nexport default {\n  cache: {\n    ttl: 'nope',\n  },\n} satisfies PerfConfig\n`
    const dir = project({ 'package.json': PKG, 'presets/base.ts': base, 'perf.config.ts': `export default { extends: './presets/base.ts', cache: { maxSize: '1MB' } }\n` })
    for (const pass of ['cold', 'warm']) {
      const error = await configError(loadPerfConfig({ cwd: dir }))
      expect(error.message, pass).toContain(`presets/base.ts:${positionOf(base, "ttl: 'nope'")}: cache.ttl: expected`)
    }
  })

  it('JSON configs and key=value .perfrc lines are located too; a key not written in the file keeps the file alone', async () => {
    const json = `{\n  "name": "x",\n  "cache": {\n    "ttl": "soon"\n  }\n}\n`
    const jsonErr = await configError(loadPerfConfig({ cwd: project({ 'package.json': PKG, 'perf.config.json': json }) }))
    expect(jsonErr.message).toContain('perf.config.json:4:5: cache.ttl: expected')
    const rcErr = await configError(loadPerfConfig({ cwd: project({ 'package.json': PKG, '.perfrc': 'name=x\n\ncache.ttl=soon\n' }) }))
    expect(rcErr.message).toContain('.perfrc:3:1: cache.ttl: expected')
    // built at run time: no place to name but the file
    const built = await configError(loadPerfConfig({ cwd: project({ 'package.json': PKG, 'perf.config.ts': `export default Object.fromEntries([['cache', { ['t' + 'tl']: 'soon' }]])\n` }) }))
    expect(built.message).toContain('perf.config.ts: cache.ttl: expected')
  })

  it('a throw while the config is evaluated is located in the .ts file as written (type annotations before it on its line), cold and warm', () => {
    const text = `import type { PerfConfig } from 'unperf/config'
interface Check { name: string }
const need = (name: string, fallback?: string | undefined): string => { if (!process.env[name] && process.env.STRICT) throw new Error(\`\${name} is not set\`); return fallback ?? 'x' }
export default { name: need('APP_NAME'), report: { console: false } } satisfies PerfConfig
`
    const dir = project({ 'package.json': PKG, 'perf.config.ts': text })
    // cold load passes and writes the snapshot; STRICT then makes the warm path's evaluation throw
    expect(unperf(dir, 'config').code).toBe(0)
    expect(existsSync(join(dir, 'node_modules/.cache/unperf/config'))).toBe(true)
    const run = () => {
      process.env.STRICT = '1'
      try { return unperf(dir, 'config') } finally { delete process.env.STRICT }
    }
    const r = run()
    expect(r.code).toBe(2)
    expect(r.stderr).toContain(`perf.config.ts:${positionOf(text, 'new Error')}: could not load the config: APP_NAME is not set`)
    // cold (the file edited: the snapshot is stale)
    writeFileSync(join(dir, 'perf.config.ts'), `\n${text}`)
    const cold = run()
    expect(cold.stderr).toContain(`perf.config.ts:${positionOf(`\n${text}`, 'new Error')}: could not load the config`)
  })

  it('a throw in a .mjs, .cjs or a module package\'s .js config, on its first line or indented below: located as written', async () => {
    // found auditing the packed CLI: `throw new Error('boom')` alone in perf.config.mjs was named at 1:116 (a
    // column past the line's end: jiti evaluates the file, transformed, inside its wrapper) and an indented one 2 columns early
    const cases: [string, string][] = [
      ['perf.config.mjs', `throw new Error('boom')\nexport default {}\n`],
      ['perf.config.mjs', `const a = 1\n\n    throw new Error('boom')\nexport default {}\n`],
      ['perf.config.mjs', `import { join } from 'node:path'\nif (join('a')) {\n\t  throw new Error('boom')\n}\nexport default {}\n`],
      ['perf.config.cjs', `  throw new Error('boom')\nmodule.exports = {}\n`],
      ['perf.config.js', `  throw new Error('boom')\nexport default {}\n`],
    ]
    for (const [file, text] of cases) {
      const error = await configError(loadPerfConfig({ cwd: project({ 'package.json': PKG, [file]: text }) }))
      expect(error.issues[0]!.message, `${file}: ${JSON.stringify(text)}`).toContain(`${file}:${positionOf(text, 'new Error')}: could not load the config: boom`)
    }
    // a function of a module node imported as it is (its frame a file:// URL), called by the config: as given
    const helper = `export function need() {\n    throw new Error('helper boom')\n}\n`
    const error = await configError(loadPerfConfig({ cwd: project({ 'package.json': PKG, 'perf.config.mjs': `import { need } from './env.mjs'\nexport default { name: need() }\n`, 'env.mjs': helper }) }))
    expect(error.issues[0]!.message).toContain(`env.mjs:${positionOf(helper, 'new Error')}: could not load the config: helper boom`)
  })

  it("a TypeScript syntax error: jiti's position, with its column counted from 1", async () => {
    const text = `export default {\n  cache: { ttl: '1h' as string,, },\n}\n`
    const error = await configError(loadPerfConfig({ cwd: project({ 'package.json': PKG, 'perf.config.ts': text }) }))
    expect(error.issues[0]).toMatchObject({ line: 2, column: positionOf(text, ',,').split(':').map(Number)[1]! + 1 })
    expect(error.issues[0]!.file).toMatch(/perf\.config\.ts$/)
    // the message without the spaces babel's stripped code frame left at its end
    expect(error.issues[0]!.message).toMatch(/could not load the config: ParseError: Unexpected token$/)
  })

  it('a config cut short (a brace left open) says the parse error is at the end of the file', async () => {
    const text = `export default {\n  cache: { ttl: \n`
    const error = await configError(loadPerfConfig({ cwd: project({ 'package.json': PKG, 'perf.config.ts': text }) }))
    // it read `ParseError: Unexpected token  ` (two spaces, nothing after)
    expect(error.issues[0]!.message).toMatch(/perf\.config\.ts:3:1: could not load the config: ParseError: Unexpected token at the end of the file: a brace, bracket or quote left open\?$/)
  })
})
