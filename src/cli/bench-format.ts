/**
 * What `unperf bench` prints and exports, in hyperfine's format: a result's figures all in the
 * unit of its mean (µs below 1 ms, ms below 1 s, else s; `0.0 ms` for a command that spent no user
 * time, not `0.00 µs` beside a mean in ms), one decimal for ms and µs, three for s; the markdown
 * table in the unit of the first command's mean, named in its header.
 */
import type { Summary } from './bench-stats.js'
import { ratioText, relative } from './bench-stats.js'

export type TimeUnit = 's' | 'ms' | 'µs'

export interface BenchResult extends Summary { command: string; user: number; system: number; times: number[] }

/** hyperfine's unit for a duration in seconds. */
export function timeUnit(seconds: number): TimeUnit {
  return seconds < 0.001 ? 'µs' : seconds < 1 ? 'ms' : 's'
}

/** The number alone: `12.3` (ms, µs) or `1.234` (s). */
export function valueIn(seconds: number, unit: TimeUnit): string {
  return unit === 's' ? seconds.toFixed(3) : (seconds * (unit === 'ms' ? 1e3 : 1e6)).toFixed(1)
}

/** `12.3 ms`; in the given unit, else its own. */
export function formatTime(seconds: number, unit: TimeUnit = timeUnit(seconds)): string {
  return `${valueIn(seconds, unit)} ${unit}`
}

/**
 * A result's lines: `Time (mean ± σ)`, median, range and runs; one run has no σ nor range, so
 * (as hyperfine prints it) `Time (abs ≡)` alone. As in hyperfine, each figure is right-aligned in
 * 8 columns, so the figures, the `±` and `…` and the `[User: …]` stand in columns from line to line
 * (`96.4 ms` under `100.9 ms` sat one column left of it).
 */
export function resultLines(r: BenchResult): string[] {
  const unit = timeUnit(r.mean)
  const t = (s: number) => formatTime(s, unit)
  const col = (s: number) => t(s).padStart(8)
  const cpu = `[User: ${t(r.user)}, System: ${t(r.system)}]`
  if (r.stddev === null) return [`  Time (abs ≡):        ${col(r.mean)}  ${' '.repeat(8)}     ${cpu}`]
  return [
    `  Time (mean ± σ):     ${col(r.mean)} ± ${col(r.stddev)}    ${cpu}`,
    `  Median:              ${col(r.median)}`,
    `  Range (min … max):   ${col(r.min)} … ${col(r.max)}    ${r.times.length} runs`,
  ]
}

/**
 * `    1.90 ± 0.07 times faster than b`, the ratios right-aligned, the commands by mean time as
 * hyperfine's summary orders them (the exports keep the order given).
 */
export function speedLines(fastest: Summary, unordered: BenchResult[]): string[] {
  const others = [...unordered].sort((a, b) => a.mean - b.mean)
  const ratios = others.map(r => ratioText(relative(fastest, r)))
  const width = Math.max(0, ...ratios.map(text => text.length))
  const lines = others.map((r, i) => `    ${ratios[i]!.padStart(width)} times faster than ${r.command}`)
  // `?`: the fastest command measured 0 once the shell's spawn time was taken off each run
  if (ratios.includes('?')) lines.push("    (?: the fastest command runs within the shell's spawn time, so no ratio can be told: benchmark something that runs longer)")
  return lines
}

/** hyperfine's `--export-markdown` table. */
export function markdownTable(results: BenchResult[], fastest: Summary): string {
  const unit = timeUnit(results[0]!.mean)
  const v = (s: number) => valueIn(s, unit)
  return [
    `| Command | Mean [${unit}] | Min [${unit}] | Max [${unit}] | Relative |`,
    '|:---|---:|---:|---:|---:|',
    ...results.map(r => `| ${markdownCode(r.command)} | ${v(r.mean)}${r.stddev === null ? '' : ` ± ${v(r.stddev)}`} | ${v(r.min)} | ${v(r.max)} | ${r === fastest ? '1.00' : ratioText(relative(fastest, r))} |`),
  ].join('\n') + '\n'
}

// --- internal ---

/**
 * A command as a markdown table cell's code span: `|` escaped, as hyperfine does (`cat a | wc -l`
 * split the row into more cells than the header has), and a command holding backticks fenced by
 * more of them than it has in a row.
 */
function markdownCode(command: string): string {
  const fence = '`'.repeat(Math.max(0, ...(command.match(/`+/g) ?? []).map(run => run.length)) + 1)
  const pad = fence.length > 1 ? ' ' : ''
  return `${fence}${pad}${command.replace(/\|/g, '\\|')}${pad}${fence}`
}
