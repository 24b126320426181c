/**
 * `unperf shard --total N --index I [globs...] [--json]`: the test files of one CI shard, balanced
 * by the durations the vitest reporter recorded. Files go space-separated to stdout, so
 * `npx vitest run $(npx unperf shard --total 4 --index 1)` runs that shard; the plan goes to stderr.
 */
import { realpathSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { defineCommand } from 'citty'
import { UsageError } from '../../errors.js'
import { formatDuration } from '../../config/units.js'
import { discoverTestFiles, testFilePatterns } from '../../vitest/discover.js'
import { loadTestHistory, type LoadedTestHistory } from '../../vitest/load.js'
import { countShards, fileDurations, planShards } from '../../vitest/shard.js'
import { leaveShardPlan, recentShardPlans } from '../../vitest/shard-plan.js'
import { pipelineHistory } from '../../vitest/shard-pipeline.js'
import { errorMessage } from '../../errors.js'
import { plural } from '../_ui.js'
import { writeJson } from '../json-stdout.js'
import { countSuiteRuns, shardJobsNote } from '../../vitest/suite-runs.js'
import type { TestRunEntry } from '../../vitest/history-lines.js'

/** Printed for an empty shard: vitest would run every file given no filter. */
export const EMPTY_SHARD_ARGS = '--passWithNoTests __unperf_empty_shard__'

export default defineCommand({
  meta: { name: 'shard', description: 'Test files for one CI shard, balanced by recorded durations (npx vitest run $(npx unperf shard --total 4 --index 1))' },
  args: {
    total: { type: 'string', description: 'Number of shards', required: true },
    index: { type: 'string', description: 'This shard, 1-based like vitest --shard=1/4', required: true },
    json: { type: 'boolean', description: 'Print the whole plan as JSON' },
    cwd: { type: 'string', description: 'Project directory (the vitest root)' },
    env: { type: 'string', description: 'Config environment' },
    dir: { type: 'string', description: 'Directory of tests.jsonl (default: report.dir of the config)' },
    globs: { type: 'positional', required: false, description: 'Test file globs, relative to --cwd (default: the include/exclude globs vitest recorded, else vitest\'s defaults)' },
  },
  async run({ args }) {
    const total = positiveInt(args.total, '--total')
    const index = positiveInt(args.index, '--index')
    if (index > total) throw new UsageError(`--index must be between 1 and --total (${total}), got ${index}`)
    const cwd = resolve(args.cwd ?? '.')
    const include = (args._ ?? []).map(String).filter(Boolean)

    const stored = await loadTestHistory({ cwd, ...(args.env && { env: args.env }), ...(args.dir && { dir: args.dir }), uncapped: true })
    // the history a sibling job of this pipeline planned from, when the runs since are its shard jobs
    const plans = stored.refused || total === 1 ? [] : recentShardPlans(dirname(stored.file), realRoot(cwd), total)
    const { entries, sameAs } = pipelineHistory(stored.entries, stored.cap, plans, index, total)
    const history: LoadedTestHistory = { ...stored, entries }
    const globs = include.length > 0 ? { include } : {}
    const files = await discoverTestFiles(cwd, history.entries, globs)
    const { narrowedBy } = testFilePatterns(history.entries, globs)
    const durations = fileDurations(history.entries)
    const plan = planShards(files, durations, total)
    const byCount = countShards(files, durations, total)
    const shard = plan.shards[index - 1]!
    // for the reporter: the vitest run given these files records itself as shard index/total, one
    // job of a pipeline, not a run of the whole suite (an empty shard, no files: nothing to match)
    if (!history.refused) leavePlan(history, cwd, { index, total, files: files.length > 0 && total > 1 ? shard.files : [] })

    // nothing on stdout without --json: `vitest run $(...)` then runs the whole suite (slow, never silently nothing)
    const noFiles = `shard: no test files found in ${cwd}: pass globs (unperf shard --total N --index I "test/**/*.test.ts") or check --cwd; vitest will run every file in every shard`
    if (args.json) {
      // with --json too: the message on stderr and the error beside the plan, as budget's E_NO_RUN (it said nothing)
      if (files.length === 0) process.stderr.write(`[unperf] ${noFiles}\n`)
      writeJson(JSON.stringify({
        total, index, files: shard.files, expected: shard.expected,
        shards: plan.shards, balance: plan.balance, countBalance: byCount.balance,
        unknown: plan.unknown, fallback: plan.fallback, grouped: plan.grouped, ...(narrowedBy && { narrowedBy }),
        history: { file: history.file, runs: history.entries.length, suiteRuns: countSuiteRuns(history.entries), skipped: history.skipped, ...(sameAs && { sameAs }) },
        ...(files.length === 0 && { error: { name: 'ShardError', code: 'E_NO_TEST_FILES', message: noFiles } }),
      }, null, 2) + '\n')
      if (files.length === 0) process.exitCode = 1
      return
    }
    if (files.length === 0) {
      process.stderr.write(`[unperf] ${noFiles}\n`)
      process.exitCode = 1
      return
    }
    process.stdout.write((shard.files.length > 0 ? shard.files.join(' ') : EMPTY_SHARD_ARGS) + '\n')
    const lines = [
      `[unperf] shard ${index}/${total}: ${shard.files.length} of ${plural(files.length, 'file')}, expected ${formatDuration(shard.expected)}`
      + ` (${ofHistory(history.entries)}${history.skipped > 0 ? `, ${plural(history.skipped, 'corrupt line')} skipped` : ''}${plan.unknown.length > 0 ? `, ${plural(plan.unknown.length, 'file')} without history estimated at ${formatDuration(plan.fallback)} each` : ''})`,
      // `shard 9:` and `shard 10:` end in one column, so the durations line up from 10 shards on
      ...shardRows(plan.shards, index, total),
      `  balance max/mean ${plan.balance.toFixed(2)} (vitest --shard by count: ${byCount.balance.toFixed(2)})`,
    ]
    if (sameAs) lines.push(`  planned from the history shard ${sameAs.index}/${total} planned from: the ${plural(sameAs.runsSince, 'run')} recorded since ${sameAs.runsSince === 1 ? 'is' : 'are'} this pipeline's shard ${sameAs.runsSince === 1 ? 'job' : 'jobs'}, and every shard of a pipeline plans from one history (else a file runs in two shards and another in none)`)
    if (narrowedBy) lines.push(`  every recorded run was narrowed on the command line (${narrowedBy.join(', ')}): only the files those runs looked for are planned; run vitest once without these options, or pass globs`)
    // no runs yet (a fresh clone, a first pipeline, a reporter just added: it may well be configured),
    // every file estimated alike: LPT deals them out one by one in path order
    if (history.entries.length === 0 && files.length > 0) {
      lines.push(history.refused
        ? '  no history read (see above): the files are split evenly by count, in path order'
        : `  no test durations recorded in ${history.file} yet: until a vitest run with the unperf/vitest reporter records them, the files are split evenly by count, in path order`)
    }
    if (shard.files.length === 0) lines.push(`  this shard is empty (more shards than files): printed '${EMPTY_SHARD_ARGS}' so vitest runs nothing`)
    for (const group of plan.grouped) lines.push(`  kept together (vitest matches file filters as substrings): ${group.join(', ')}`)
    process.stderr.write(lines.join('\n') + '\n')
  },
})

/** Leaves the plan beside the history; a failure is said, never the end of the command (the run is then recorded as a whole one). */
function leavePlan(history: LoadedTestHistory, cwd: string, plan: { index: number; total: number; files: string[] }): void {
  const dir = dirname(history.file)
  try {
    const last = history.entries.at(-1)?.id
    leaveShardPlan(dir, { ...plan, root: realRoot(cwd), history: { runs: history.entries.length, ...(last && { last }) } })
  } catch (error) {
    process.stderr.write(`[unperf] shard: could not leave the shard plan in ${dir} (${errorMessage(error)}): the reporter will record this job's run as a run of the whole suite\n`)
  }
}

/** The real path the reporter compares with its own (a missing dir: as given, only to remove a plan). */
function realRoot(dir: string): string {
  try { return realpathSync(dir) } catch { return dir }
}

function positiveInt(value: unknown, name: string): number {
  const n = typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : Number.NaN
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${name} must be a positive integer, got ${value === undefined ? 'nothing' : `'${String(value)}'`}`)
  return n
}

/** "3 runs of history", or with shard jobs (a line each) "2 runs of history, 4 recorded: one per shard job". */
function ofHistory(entries: readonly TestRunEntry[]): string {
  const suite = countSuiteRuns(entries)
  const note = shardJobsNote(entries, suite)
  return `${plural(suite, 'run')} of history${note ? `, ${note}` : ''}`
}

/**
 * The plan's lines, one per shard, a run of empty shards other than this one in a line of its own
 * (`shards 8–100: no files`): with more shards than files, `--total 100` printed 93 lines of
 * `0 ms  0 files` in each of the 100 CI jobs' logs.
 */
function shardRows(shards: { index: number; files: string[]; expected: number }[], index: number, total: number): string[] {
  const rows: string[] = []
  const width = `shard ${total}:`.length
  for (let i = 0; i < shards.length; i++) {
    const s = shards[i]!
    const empty = (n: number) => shards[n] !== undefined && shards[n]!.files.length === 0 && shards[n]!.index !== index
    if (empty(i) && empty(i + 1)) {
      let j = i + 1
      while (empty(j + 1)) j++
      rows.push(`    shards ${s.index}–${shards[j]!.index}: no files`)
      i = j
      continue
    }
    rows.push(`  ${s.index === index ? '>' : ' '} ${`shard ${s.index}:`.padEnd(width)} ${formatDuration(s.expected).padStart(9)}  ${plural(s.files.length, 'file')}`)
  }
  return rows
}
