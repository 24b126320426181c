/**
 * The documents `unperf bench` writes, held to what docs/cli.md promises a CI step parsing them:
 * `--json`'s keys, `--export-json`'s hyperfine field names in hyperfine's order, and figures that
 * are those of the raw `times` (computed again here from them).
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { tempDir } from '../helpers/tmp.js'
import { unperf } from '../helpers/unperf-cli.js'

/** hyperfine's `BenchmarkResult` fields as it serializes them (src/benchmark/benchmark_result.rs), less memory_usage_byte and parameters. */
const HYPERFINE_FIELDS = ['command', 'mean', 'stddev', 'median', 'user', 'system', 'min', 'max', 'times', 'exit_codes']

describe('unperf bench --json and --export-json', () => {
  it('keep their documented shape, and their figures are those of their times', () => {
    const dir = tempDir('unperf-bench-shape-')
    const r = unperf(dir, 'bench', '--runs', '4', '--warmup', '0', '--json', '--export-json', 'out.json', 'sleep 0.01', 'true')
    expect(r.code, r.stderr).toBe(0)
    const doc = r.json()
    expect(Object.keys(doc)).toEqual(['results', 'shell_overhead', 'warnings', 'regressions'])
    expect(doc.shell_overhead).toBeGreaterThan(0)
    const exported = JSON.parse(readFileSync(join(dir, 'out.json'), 'utf8'))
    expect(Object.keys(exported)).toEqual(['results'])
    for (const results of [doc.results, exported.results]) {
      expect(results.map((x: { command: string }) => x.command)).toEqual(['sleep 0.01', 'true'])
      for (const result of results) {
        expect(Object.keys(result)).toEqual(HYPERFINE_FIELDS)
        expect(result.exit_codes).toEqual([0, 0, 0, 0])
        const times: number[] = result.times
        const mean = times.reduce((a, b) => a + b, 0) / 4
        const sorted = [...times].sort((a, b) => a - b)
        expect(result.mean).toBeCloseTo(mean, 12)
        expect(result.stddev).toBeCloseTo(Math.sqrt(times.reduce((a, b) => a + (b - mean) ** 2, 0) / 3), 12)
        expect(result.median).toBeCloseTo((sorted[1]! + sorted[2]!) / 2, 12)
        expect([result.min, result.max]).toEqual([sorted[0], sorted[3]])
      }
    }
    const judged = unperf(dir, 'bench', '--runs', '2', '--warmup', '0', '--json', '--baseline', 'out.json', 'true')
    expect(judged.code, judged.stderr).toBe(0)
    expect(Object.keys(judged.json())).toEqual(['results', 'shell_overhead', 'warnings', 'regressions', 'compared'])
  })
})
