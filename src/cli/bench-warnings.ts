/**
 * What `unperf bench` warns about a command's runs, hyperfine's closed set (its
 * `src/output/warnings.rs`), each saying what to try next: non-zero exits (only with
 * --ignore-failure), a slow first run, statistical outliers, a command too fast to time.
 */
import { OUTLIER_THRESHOLD, outliers, summarize } from './bench-stats.js'
import { formatTime } from './bench-format.js'
import { plural } from './_ui.js'

/** `signals`: each run's signal that killed it (null: it exited), when one did. */
export interface BenchRuns { command: string; median: number; times: number[]; exit_codes: number[]; signals?: (string | null)[] | undefined }

/**
 * The warnings for one command. As in hyperfine, a first run that is itself the outlier is said as
 * a slow first run alone (a cold cache, not other programs interfering); the outliers warning is
 * for the other cases.
 */
export function benchWarnings(r: BenchRuns, used: WarmupUsed = { warmup: 0, prepare: false }): string[] {
  const warnings: string[] = []
  // only with --ignore-failure: without it the first failing run stopped the benchmark
  const failed = r.exit_codes.filter((c, i) => c !== 0 && r.signals?.[i] == null).length
  // killed by a signal: named, by signal (an OOM killer's SIGKILL is not the command's own exit code 137)
  const killed = new Map<string, number>()
  for (const s of r.signals ?? []) if (s != null) killed.set(s, (killed.get(s) ?? 0) + 1)
  const ends = [...(failed > 0 ? [`exited non-zero in ${plural(failed, 'run')}`] : []), ...[...killed].map(([s, n]) => `was killed by ${s} in ${plural(n, 'run')}`)]
  if (ends.length > 0) warnings.push(`'${r.command}' ${ends.join(' and ')}: its figures may mean nothing (check the command)`)
  if (slowFirstRun(r.times)) warnings.push(`'${r.command}': the first run was much slower (${formatTime(r.times[0]!)}, a cold cache?): ${slowFirstRunHint(used)}`)
  else {
    const n = outliers(r.times)
    // bench's --warmup is 1 by default: "try --warmup" told a user of it to do what was done
    const hint = used.warmup > 0 ? `try a quieter machine, or more than --warmup ${used.warmup}` : 'try --warmup or a quieter machine'
    if (n > 0) warnings.push(`'${r.command}': ${n} statistical ${n === 1 ? 'outlier' : 'outliers'}: other programs may have interfered; ${hint}`)
  }
  // as hyperfine warns: the shell's spawn time, subtracted from every run, is itself known only to about this much
  if (r.median < 0.005) warnings.push(`'${r.command}' took less than 5 ms: the results may be inaccurate (the shell spawn time subtracted from each run varies by about as much)`)
  return warnings
}

/** What the benchmark used of what fills or clears a cache before the timed runs (hyperfine's hints follow them too). */
export interface WarmupUsed { warmup: number; prepare: boolean }

/** What to try against a slow first run, given what is in use already (bench's --warmup is 1 by default), as hyperfine's hints. */
function slowFirstRunHint({ warmup, prepare }: WarmupUsed): string {
  if (warmup > 0 && prepare) return `with --warmup ${warmup} and --prepare in use, a random outlier? try a quieter machine, or more than --warmup ${warmup}`
  if (warmup > 0) return `try more than --warmup ${warmup}, or a --prepare that clears the cache before each run`
  if (prepare) return 'try --warmup, or a --prepare that clears the cache before each run'
  return 'try --warmup or --prepare'
}

/**
 * The first run is an outlier above the others (hyperfine's rule: its modified Z-score over the
 * threshold), or, where the runs have no spread to judge by (MAD 0), over twice the median.
 */
function slowFirstRun(times: number[]): boolean {
  if (times.length < 2) return false
  const { median } = summarize(times)
  const mad = summarize(times.map(x => Math.abs(x - median))).median
  const first = times[0]!
  return mad > 0 ? (first - median) / mad > OUTLIER_THRESHOLD : times.length > 3 && first > median * 2
}
