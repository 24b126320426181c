/**
 * A config with several problems lists them all, in the order their keys are written: by file
 * (the config file, then `.perfrc`, ...), then line and column. They came in the order of the
 * checks (the schema's, then the resolver's: `ttl: 0`, a redis tier without a url), so a `ttl: 0`
 * on line 4 was listed after an unknown key on line 9.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { loadPerfConfig } from '../../src/config/load.js'
import { ConfigError } from '../../src/errors.js'
import { tempDir } from '../helpers/tmp.js'
import { unperf } from '../helpers/unperf-cli.js'

/** A project with this config and `.perfrc` (_fixtures.ts's project() comes with a helper that sets process.env). */
function project(): string {
  const dir = tempDir('unperf-issue-order-')
  mkdirSync(join(dir, 'node_modules'))
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'acme-cli', version: '1.4.0', type: 'module' }))
  writeFileSync(join(dir, 'perf.config.ts'), CONFIG)
  writeFileSync(join(dir, '.perfrc'), '# comment\nreport.history=many\n')
  return dir
}

const CONFIG = `import { definePerfConfig } from 'unperf/config'
export default definePerfConfig({
  cache: {
    ttl: 0,
    driver: ['memory', { driver: 'redis' }],
    maxSize: '10 parsecs' as any,
  } as any,
  budgets: { mode: 'eror' as any },
  concurency: {},
} as any)
`

const ORDER = [
  ['perf.config.ts', 'cache.ttl', 4],
  ['perf.config.ts', 'cache.driver[1].url', 5],
  ['perf.config.ts', 'cache.maxSize', 6],
  ['perf.config.ts', 'budgets.mode', 8],
  ['perf.config.ts', 'concurency', 9],
  ['.perfrc', 'report.history', 2],
]

describe('config issues in file order', { timeout: 60_000 }, () => {
  it('loadPerfConfig throws a ConfigError whose issues (and message lines) follow the files, lines and columns', async () => {
    const dir = project()
    const error = await loadPerfConfig({ cwd: dir, noSnapshot: true }).then(() => undefined, (e: unknown) => e)
    expect(error).toBeInstanceOf(ConfigError)
    const issues = (error as ConfigError).issues
    expect(issues.map(i => [i.file, i.path, i.line])).toEqual(ORDER)
    const lines = (error as ConfigError).message.split('\n').slice(1)
    expect(lines.map(l => /- (\S+?):(\d+):\d+: (\S+):/.exec(l)?.slice(1))).toEqual(ORDER.map(([f, p, l]) => [f, String(l), p]))
  })

  it('unperf config --json lists them in the same order, and exits 2', () => {
    const dir = project()
    const r = unperf(dir, 'config', '--json')
    expect(r.code).toBe(2)
    expect(r.json().error.issues.map((i: { file: string; path: string; line: number }) => [i.file, i.path, i.line])).toEqual(ORDER)
  })
})
