/**
 * A config file that throws is evaluated once. jiti imported it natively and, when that failed,
 * evaluated it again transpiled: `console.error('evaluated'); throw new Error('boom')` in a module
 * package's perf.config.mjs printed `evaluated` twice (a request, a write, twice). A file node's
 * loader cannot load (it imports a `.ts`, uses `__dirname`) still goes to jiti, and loads.
 */
import { rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { projectWith } from '../helpers/project.js'
import { unperf } from '../helpers/unperf-cli.js'

const THROWS = `console.error('evaluated')\nthrow new Error('boom')\n`
const times = (stderr: string) => stderr.split('\n').filter(line => line === 'evaluated').length

describe('a config that throws', () => {
  it('perf.config.mjs: evaluated once, its error at its line', () => {
    const r = unperf(projectWith(THROWS), 'config')
    expect(r.code).toBe(2)
    expect(times(r.stderr), r.stderr).toBe(1)
    expect(r.stderr).toContain('perf.config.mjs:2:7: could not load the config: boom')
  })

  it('a .cjs, a CommonJS .js, an error of JSON.parse in the config: once each', () => {
    for (const [file, text, message] of [
      ['perf.config.cjs', THROWS, 'perf.config.cjs:2:7: could not load the config: boom'],
      ['perf.config.js', THROWS, 'perf.config.js:2:7: could not load the config: boom'],
      ['perf.config.mjs', `console.error('evaluated')\nexport default JSON.parse('{')\n`, 'perf.config.mjs:2:21: could not load the config: Expected property name'],
    ] as const) {
      const dir = projectWith('')
      rmSync(join(dir, 'perf.config.mjs'))
      // a package that is no module: its .js is CommonJS
      writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'life-cli', version: '1.0.0' }))
      writeFileSync(join(dir, file), text)
      const r = unperf(dir, 'config')
      expect(r.code, r.stderr).toBe(2)
      expect(times(r.stderr), `${file}: ${r.stderr}`).toBe(1)
      expect(r.stderr).toContain(message)
    }
  })

  it('an extends layer that throws: once', () => {
    const r = unperf(projectWith(`export default { extends: ['./base.mjs'] }`, { 'base.mjs': THROWS }), 'config')
    expect(r.code).toBe(2)
    expect(times(r.stderr), r.stderr).toBe(1)
    expect(r.stderr).toContain('base.mjs:2:7: could not load the config: boom')
  })
})

describe('what node cannot load still goes to jiti', () => {
  it('an import of a .ts file, __dirname in an ES module: loaded', () => {
    const ts = projectWith(`import ttl from './ttl.ts'\nexport default { cache: { driver: 'memory', ttl } }\n`, { 'ttl.ts': `const ttl: string = '7m'\nexport default ttl\n` })
    const r = unperf(ts, 'config', '--json')
    expect(r.code, r.stderr).toBe(0)
    expect(r.json().config.cache.ttl).toBe(7 * 60_000)
    const dirname = projectWith(`export default { cache: { driver: 'memory', ttl: __dirname ? '8m' : '1m' } }\n`)
    const d = unperf(dirname, 'config', '--json')
    expect(d.code, d.stderr).toBe(0)
    expect(d.json().config.cache.ttl).toBe(8 * 60_000)
  })

  it('a config that loads: evaluated once, its default export (or named exports) taken', () => {
    const r = unperf(projectWith(`console.error('evaluated')\nexport default { cache: { driver: 'memory', ttl: '5m' } }\n`), 'config', '--json')
    expect(r.code, r.stderr).toBe(0)
    expect(times(r.stderr)).toBe(1)
    expect(r.json().config.cache.ttl).toBe(5 * 60_000)
    const named = unperf(projectWith(`export const cache = { driver: 'memory', ttl: '6m' }\n`), 'config', '--json')
    expect(named.json().config.cache.ttl).toBe(6 * 60_000)
  })
})
