/**
 * `unperf config`: "the resolved config and where each layer came from" (API.md). A file's block for
 * the env (`$env.ci`, `$production`) is a layer of its own, above its file, and each value names the
 * layer that set it. The env blocks were merged into their file's layer: `--env ci` listed
 * `perf.config.ts` alone, and a value only told `(default)` from set, not which layer set it.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { tempDir } from '../helpers/tmp.js'
import { unperf } from '../helpers/unperf-cli.js'

function project(): string {
  const dir = tempDir('unperf-config-origins-')
  mkdirSync(join(dir, 'node_modules'))
  mkdirSync(join(dir, 'presets'))
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'origins', version: '1.0.0', type: 'module' }))
  writeFileSync(join(dir, 'presets/base.mjs'), `export default { cache: { ttl: '1h', maxSize: '1MB' }, $env: { ci: { report: { history: 7 } } } }`)
  writeFileSync(join(dir, 'perf.config.ts'), `export default {
    extends: './presets/base.mjs',
    cache: { ttl: '2h' },
    $production: { cache: { compress: '1KB' } },
    $env: { ci: { budgets: { mode: 'error' } } },
  }`)
  writeFileSync(join(dir, '.perfrc'), 'monitors.interval=5s\n')
  return dir
}

describe('unperf config: env blocks as layers, the layer of each value', { timeout: 60_000 }, () => {
  it('text: the env blocks listed above their files; each value names its layer, (default) where none set it', () => {
    const dir = project()
    const ci = unperf(dir, 'config', '--env', 'ci')
    expect(ci.code, ci.stderr).toBe(0)
    const lines = ci.stdout.split('\n')
    const at = lines.indexOf('layers (highest priority first):')
    expect(lines.slice(at + 1, at + 6)).toEqual(['  perf.config.ts $env.ci', '  perf.config.ts', '  .perfrc', '  presets/base.mjs $env.ci', '  presets/base.mjs'])
    expect(lines).toContain('budgets.mode = "error"  (perf.config.ts $env.ci)')
    expect(lines).toContain('cache.ttl = 7200000 (2 h)  (perf.config.ts)')
    expect(lines).toContain('cache.maxSize = 1000000 (1.00 MB)  (presets/base.mjs)')
    expect(lines).toContain('monitors.interval = 5000 (5.00 s)  (.perfrc)')
    expect(lines).toContain('report.history = 7  (presets/base.mjs $env.ci)')
    expect(lines).toContain('cache.compress = 4000 (4.00 kB)  (default)')
    // name and version no layer set: the host's package.json's (it said `(default)`)
    expect(lines).toContain('name = "origins"  (package.json)')
    expect(lines).toContain('version = "1.0.0"  (package.json)')
    const production = unperf(dir, 'config', '--env', 'production').stdout.split('\n')
    expect(production).toContain('  perf.config.ts $production')
    expect(production).toContain('cache.compress = 1000  (perf.config.ts $production)')
    expect(production).toContain('budgets.mode = "warn"  (default)')
  })

  it('--json: the env blocks in `layers` (block, its content as config) and `origins` by key path', () => {
    const r = unperf(project(), 'config', '--env', 'ci', '--json')
    expect(r.code, r.stderr).toBe(0)
    const out = r.json()
    expect(out.layers.map((l: { name: string; block?: string }) => [l.name, l.block ?? null])).toEqual([
      ['perf.config.ts $env.ci', '$env.ci'], ['perf.config.ts', null], ['.perfrc', null], ['presets/base.mjs $env.ci', '$env.ci'], ['presets/base.mjs', null],
    ])
    expect(out.layers[0]).toMatchObject({ source: 'main', file: expect.stringMatching(/perf\.config\.ts$/), config: { budgets: { mode: 'error' } } })
    expect(out.origins).toMatchObject({
      'budgets.mode': 'perf.config.ts $env.ci', 'cache.ttl': 'perf.config.ts', 'cache.tiers': 'default',
      'cache.maxSize': 'presets/base.mjs', 'report.history': 'presets/base.mjs $env.ci', 'monitors.interval': '.perfrc', 'cache.compress': 'default',
      name: 'package.json', version: 'package.json',
    })
  })
})
