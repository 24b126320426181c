/**
 * Promise (issue 8, hostile config): whatever values a perf.config holds, loading it either gives a
 * resolved config with numbers only, or a ConfigError naming the key path: never another error,
 * never a crash, never a polluted prototype. 400 generated configs (seeded, reproducible).
 */
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { loadPerfConfig } from '../../src/config/load.js'
import { ConfigError } from '../../src/errors.js'
import { tempDir } from '../helpers/tmp.js'

let seed = 20261125
const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31)
const pick = <T>(xs: T[]): T => xs[Math.floor(rand() * xs.length)]!

const VALUES: unknown[] = [
  0, -1, 1, 1.5, NaN, Infinity, -Infinity, 1e308, 2 ** 53 + 1, '', ' ', '10 parsecs', '1h', '-5m', '5MB', '1e9GB', '999999999999TB',
  true, false, null, [], [1, 2], {}, { driver: 'redis' }, { above: '1GB', for: 'soon' }, 'memory', 'fs', 'redis', 'auto', 'adaptive',
  { __proto__: { polluted: true } }, JSON.parse('{"__proto__": {"polluted": true}}'), { constructor: { prototype: { polluted: true } } },
]
const PATHS = [
  ['name'], ['version'], ['cache'], ['cache', 'ttl'], ['cache', 'maxSize'], ['cache', 'driver'], ['cache', 'compress'], ['cache', 'timeout'],
  ['cache', 'namespaces', 'x'], ['cache', 'namespaces', 'x', 'ttl'], ['cache', 'invalidate', 'files'], ['concurrency', 'default'],
  ['concurrency', 'pools', 'net', 'concurrency'], ['concurrency', 'pools', 'net', 'retries'], ['budgets', 'mode'], ['budgets', 'startup'],
  ['budgets', 'cacheHitRate'], ['budgets', 'files'], ['budgets', 'commands', 'build', 'p95'], ['monitors', 'interval'],
  ['monitors', 'alerts', 'memory.rss'], ['monitors', 'prometheus'], ['report', 'history'], ['report', 'console'], ['plugins'], ['hooks'],
  ['__proto__'], ['constructor'], ['$env', 'ci'], ['$development', 'cache', 'ttl'], ['unknownKey'],
]

function build(): Record<string, unknown> {
  const config: Record<string, unknown> = {}
  const n = 1 + Math.floor(rand() * 4)
  for (let i = 0; i < n; i++) {
    const path = pick(PATHS)
    let obj = config
    for (const key of path.slice(0, -1)) {
      if (typeof obj[key] !== 'object' || obj[key] === null) Object.defineProperty(obj, key, { value: {}, enumerable: true, writable: true, configurable: true })
      obj = obj[key] as Record<string, unknown>
    }
    Object.defineProperty(obj, path[path.length - 1]!, { value: pick(VALUES), enumerable: true, writable: true, configurable: true })
  }
  return config
}

describe('config fuzz', () => {
  it('400 generated configs: a resolved config or a ConfigError, nothing else, no pollution', async () => {
    const dir = tempDir('unperf-fuzz-')
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'fuzz', version: '1.0.0' }))
    let errors = 0
    let ok = 0
    for (let i = 0; i < 400; i++) {
      const config = build()
      try {
        const resolved = await loadPerfConfig({ cwd: dir, overrides: config as never, noSnapshot: true })
        expect(typeof resolved.cache.maxSize).toBe('number')
        expect(resolved.cache.ttl === false || Number.isFinite(resolved.cache.ttl)).toBe(true)
        ok++
      } catch (error) {
        if (!(error instanceof ConfigError)) throw new Error(`config #${i} ${JSON.stringify(config)} threw ${String(error)}`)
        expect(error.issues.length).toBeGreaterThan(0)
        for (const issue of error.issues) expect(issue.path).toBeTruthy()
        errors++
      }
      expect(({} as Record<string, unknown>).polluted).toBeUndefined()
      expect((Object.prototype as Record<string, unknown>).polluted).toBeUndefined()
    }
    expect(ok).toBeGreaterThan(0)
    expect(errors).toBeGreaterThan(0)
  }, 120_000)
})
