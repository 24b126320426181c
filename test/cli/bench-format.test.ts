/**
 * `unperf bench` output next to hyperfine 1.18's: a result's figures in its mean's unit (zero user
 * time printed `0.00 µs` beside a mean in ms), one space in "1.90 ± 0.07 times faster" (the table
 * it was printed with put two), a markdown table in seconds for slow commands (it was always ms),
 * and one run: `Time (abs ≡)`, no σ (never NaN).
 */
import { describe, expect, it } from 'vitest'
import { formatTime, markdownTable, resultLines, speedLines, timeUnit, type BenchResult } from '../../src/cli/bench-format.js'
import { summarize } from '../../src/cli/bench-stats.js'

const result = (command: string, times: number[], user = 0, system = 0): BenchResult => ({ command, times, user, system, ...summarize(times) })

describe('unperf bench output', () => {
  it("hyperfine's units: µs below 1 ms, ms below 1 s, else s", () => {
    expect([0, 0.0005, 0.001, 0.999, 1, 12.5].map(timeUnit)).toEqual(['µs', 'µs', 'ms', 'ms', 's', 's'])
    expect(formatTime(0.0123)).toBe('12.3 ms')
    expect(formatTime(1.23456)).toBe('1.235 s')
    expect(formatTime(0, 'ms')).toBe('0.0 ms')
  })

  it('user and system time in the unit of the mean, zero included', () => {
    const [time] = resultLines(result('true', [0.012, 0.013, 0.014], 0, 0.0004))
    expect(time).toBe('  Time (mean ± σ):      13.0 ms ±   1.0 ms    [User: 0.0 ms, System: 0.4 ms]')
    expect(resultLines(result('sleep 1', [1.2, 1.3]))[0]).toContain(' 1.250 s ±  0.071 s    [User: 0.000 s, System: 0.000 s]')
  })

  it('one run: Time (abs ≡) alone, no σ, median or range, no NaN', () => {
    const one = result('true', [0.0123], 0.001, 0)
    expect(one.stddev).toBeNull()
    expect(resultLines(one)).toEqual(['  Time (abs ≡):         12.3 ms               [User: 1.0 ms, System: 0.0 ms]'])
  })

  it("figures right-aligned in 8 columns as hyperfine prints them: the values, '±', '…' and '[User' in columns from line to line", () => {
    const lines = resultLines(result('sleep 0.1', [0.0964, 0.1022, 0.1049, 0.1009, 0.1002]))
    expect(lines).toEqual([
      '  Time (mean ± σ):     100.9 ms ±   3.1 ms    [User: 0.0 ms, System: 0.0 ms]',
      '  Median:              100.9 ms',
      '  Range (min … max):    96.4 ms … 104.9 ms    5 runs',
    ])
    // before: '  Range (min … max): 96.4 ms … 104.9 ms' under '  Time (mean ± σ):   100.9 ms ± 3.1 ms'
    const end = (line: string, text: string) => [...line.slice(0, line.indexOf(text) + text.length)].length
    expect(end(lines[0]!, '100.9 ms')).toBe(end(lines[1]!, '100.9 ms'))
    expect(end(lines[0]!, '100.9 ms')).toBe(end(lines[2]!, '96.4 ms'))
    expect([...lines[0]!].indexOf('±')).toBe([...lines[2]!].indexOf('…'))
    expect([...lines[0]!].indexOf('[')).toBe([...resultLines(result('x', [0.0123]))[0]!].indexOf('['))
  })

  it('the relative speed: one space before "times faster", ratios right-aligned, by mean time, no ± for a single run', () => {
    const fast = result('a', [0.010, 0.011, 0.009])
    const lines = speedLines(fast, [result('b', [0.019, 0.021, 0.020]), result('c', [0.10, 0.11, 0.12])])
    expect(lines).toEqual([
      '     2.00 ± 0.22 times faster than b',
      '    11.00 ± 1.49 times faster than c',
    ])
    for (const line of lines) expect(line.trim()).not.toMatch(/ {2}/)
    // by mean time, as hyperfine's summary (they were in the order given: c, the slower, first)
    expect(speedLines(fast, [result('c', [0.10, 0.11, 0.12]), result('b', [0.019, 0.021, 0.020])])).toEqual(lines)
    expect(speedLines(result('a', [0.01]), [result('b', [0.02])])).toEqual(['    2.00 times faster than b'])
  })

  it('no ratio when the fastest command measured 0 (within the shell spawn time): a ? and a line saying why', () => {
    const lines = speedLines(result('true', [0, 0, 0]), [result('sleep 0.01', [0.01, 0.011, 0.009])])
    expect(lines[0]).toBe('    ? times faster than sleep 0.01')
    expect(lines[1]).toMatch(/runs within the shell's spawn time, so no ratio can be told/)
  })

  it('--export-markdown: in seconds when the first command takes 1 s or more, the unit in the header', () => {
    const slow = [result('sleep 1', [1.01, 1.03]), result('sleep 2', [2.0, 2.02])]
    expect(markdownTable(slow, slow[0]!).split('\n')).toEqual([
      '| Command | Mean [s] | Min [s] | Max [s] | Relative |',
      '|:---|---:|---:|---:|---:|',
      '| `sleep 1` | 1.020 ± 0.014 | 1.010 | 1.030 | 1.00 |',
      '| `sleep 2` | 2.010 ± 0.014 | 2.000 | 2.020 | 1.97 ± 0.03 |',
      '',
    ])
    const fast = [result('true', [0.0123, 0.0125])]
    expect(markdownTable(fast, fast[0]!)).toContain('| Command | Mean [ms] |')
    const once = [result('true', [0.0123])]
    expect(markdownTable(once, once[0]!)).toContain('| `true` | 12.3 | 12.3 | 12.3 | 1.00 |')
  })
})
