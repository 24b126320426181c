/**
 * `unperf tests flaky|slow [--json]`: from the history the unperf/vitest reporter records.
 * `unperf tests merge <files...>`: adds other histories' runs; exit 1 when a file could not be read
 * (the readable ones are merged all the same), or when the history's dir is one someone else could
 * write to (E_REPORT_DIR_UNSAFE, nothing merged).
 */
import { resolve } from 'node:path'
import { defineCommand } from 'citty'
import { UsageError } from '../../errors.js'
import { formatDuration } from '../../config/units.js'
import { findFlaky, type FlakyTest } from '../../vitest/flaky.js'
import { loadTestHistory, type LoadTestHistoryOptions } from '../../vitest/load.js'
import type { TestRunEntry } from '../../vitest/history-lines.js'
import { findSlow } from '../../vitest/slow.js'
import { countSuiteRuns, shardJobsNote } from '../../vitest/suite-runs.js'
import { green, plural, printable } from '../_ui.js'
import { writeJson } from '../json-stdout.js'

const common = {
  json: { type: 'boolean', description: 'Print JSON' },
  cwd: { type: 'string', description: 'Project directory' },
  env: { type: 'string', description: 'Config environment' },
  dir: { type: 'string', description: 'Directory of tests.jsonl (default: report.dir of the config)' },
  runs: { type: 'string', description: 'Use only the last N recorded runs (default: all kept, report.history)' },
} as const

function historyOptions(args: { cwd?: string; env?: string; dir?: string; runs?: string }): LoadTestHistoryOptions {
  let limit: number | undefined
  if (args.runs !== undefined) {
    limit = /^\d+$/.test(args.runs) ? Number(args.runs) : Number.NaN
    if (!(limit >= 1)) throw new UsageError(`--runs must be a positive integer, got '${args.runs}'`)
  }
  return {
    ...(args.cwd && { cwd: args.cwd }), ...(args.env && { env: args.env }), ...(args.dir && { dir: args.dir }),
    ...(limit !== undefined && { limit }),
  }
}

function runs(n: number): string {
  return n === 1 ? 'run' : `${n} runs`
}

/**
 * "the last 3 runs", or with shard jobs (each records a line of its own) "the last 3 runs (12
 * recorded: one per shard job)": runs of the suite, not lines of tests.jsonl.
 */
function lastRuns(entries: readonly TestRunEntry[]): string {
  const suite = countSuiteRuns(entries)
  const note = shardJobsNote(entries, suite)
  return `the last ${runs(suite)}${note ? ` (${note})` : ''}`
}

/**
 * Results across runs are compared only between runs of the same code (flaky.ts), known by the git
 * commit each run recorded: outside a git repository none is, so a test failing in one run and
 * passing in the next went unnoticed behind "no flaky tests" (only retries counted). Said, then.
 */
function noCommitNote(entries: readonly TestRunEntry[]): string {
  const without = entries.filter(e => !e.commit).length
  if (without === 0) return ''
  const which = without === entries.length ? (without === 1 ? 'it recorded no' : 'none of them recorded a') : `${without} of them recorded no`
  return `(${which} git commit: results are compared across runs of the same commit only, so there only a pass on retry counts; run vitest in a git repository)\n`
}

/**
 * The history is per project (report.dir): run from a package of a monorepo whose vitest runs at the
 * root, this reads the package's own, empty history, so the hint names the project it looked at.
 */
function noHistory(file: string, args: { cwd?: string; dir?: string }): string {
  const hint = `add the reporter (test.reporters: ['default', 'unperf/vitest']) and run vitest`
  if (args.dir) return `[unperf] no test runs recorded in ${file}: ${hint}`
  return `[unperf] no test runs recorded in ${file}, the history of the project at ${resolve(args.cwd ?? '.')}: ${hint}; `
    + `if vitest runs elsewhere (a monorepo's root), run this there or pass --cwd`
}

/** `file > test`; a suite that failed outside its tests says so, as does a file that failed to load. */
function flakyName(t: FlakyTest): string {
  t = { ...t, file: printable(t.file), name: printable(t.name) }
  if (!t.suite) return `${t.file} > ${t.name}`
  return t.name === '' ? `${t.file} (the file: its import, a top-level beforeAll/afterAll, its worker or an unhandled error failed)` : `${t.file} > ${t.name} (the suite: its beforeAll/afterAll failed)`
}

const flaky = defineCommand({
  meta: { name: 'flaky', description: 'Tests that passed on retry or whose result flips on the same commit, with their flip rate' },
  args: common,
  async run({ args }) {
    const history = await loadTestHistory(historyOptions(args))
    const tests = findFlaky(history.entries)
    if (args.json) {
      writeJson(JSON.stringify({ runs: history.entries.length, suiteRuns: countSuiteRuns(history.entries), file: history.file, skipped: history.skipped, flaky: tests }, null, 2) + '\n')
      return
    }
    if (history.entries.length === 0) {
      // a refused dir was said as such (load.ts): no hint to add the reporter
      if (!history.refused) process.stderr.write(noHistory(history.file, args) + '\n')
      return
    }
    if (tests.length === 0) {
      process.stdout.write(`no flaky tests in ${lastRuns(history.entries)}\n${noCommitNote(history.entries)}`)
      return
    }
    const lines = [`${plural(tests.length, 'flaky test')} in ${lastRuns(history.entries)} (flip rate = result changes / chances, same code):`]
    for (const t of tests) {
      lines.push(`  ${(t.flipRate * 100).toFixed(0).padStart(3)}%  ${flakyName(t)}${t.project ? ` [${printable(t.project)}]` : ''}`
        + `  (${plural(t.flips, 'flip')} in ${plural(t.runs, 'run')}${t.retried > 0 ? `, passed on retry ${t.retried}×` : ''})`)
    }
    process.stdout.write(lines.join('\n') + '\n')
  },
})

const slow = defineCommand({
  meta: { name: 'slow', description: 'Slowest tests and files, and those that got slower' },
  args: {
    ...common,
    top: { type: 'string', description: 'How many to list (default 10)' },
  },
  async run({ args }) {
    const top = args.top === undefined ? 10 : Number(args.top)
    if (!Number.isInteger(top) || top < 1) throw new UsageError(`--top must be a positive integer, got '${args.top}'`)
    const history = await loadTestHistory(historyOptions(args))
    const result = findSlow(history.entries, { top })
    if (args.json) {
      writeJson(JSON.stringify({ runs: history.entries.length, suiteRuns: countSuiteRuns(history.entries), file: history.file, skipped: history.skipped, ...result }, null, 2) + '\n')
      return
    }
    if (history.entries.length === 0) {
      // a refused dir was said as such (load.ts): no hint to add the reporter
      if (!history.refused) process.stderr.write(noHistory(history.file, args) + '\n')
      return
    }
    const ms = (n: number): string => formatDuration(n).padStart(9)
    const lines = [`median over ${lastRuns(history.entries)}:`, 'slowest files:']
    for (const f of result.files) lines.push(`  ${ms(f.median)}  ${printable(`${f.file}${f.project ? ` [${f.project}]` : ''}`)}`)
    lines.push('slowest tests:')
    for (const t of result.tests) lines.push(`  ${ms(t.median)}  ${printable(`${t.file} > ${t.name}${t.project ? ` [${t.project}]` : ''}`)}`)
    // judged per file and test: with shard runs, each run times a file only in the shard that ran it
    if (result.mostRuns < 8) lines.push(`got slower: needs a file or test timed in 8 runs to judge (the last 3 against at least 5 before); the most so far: ${result.mostRuns}`)
    else if (result.slower.length === 0) lines.push('none got slower (median of the last 3 runs vs the runs before)')
    else {
      lines.push('got slower (median of the last 3 runs vs the runs before):')
      // columns as in the lists above: durations right-aligned, then the ratio (∞ from a 0 ms baseline)
      const ratio = (r: number): string => (Number.isFinite(r) ? `${r.toFixed(2)}×` : '∞×').padStart(7)
      for (const s of result.slower) {
        lines.push(`  ${ms(s.baseline)} → ${ms(s.current)}  ${ratio(s.ratio)}  ${printable(`${s.file}${s.name ? ` > ${s.name}` : ''}${s.project ? ` [${s.project}]` : ''}`)}`)
      }
    }
    process.stdout.write(lines.join('\n') + '\n')
  },
})

const merge = defineCommand({
  meta: { name: 'merge', description: 'Add the runs of other tests.jsonl files (e.g. one per CI shard job) to the history' },
  args: {
    cwd: common.cwd,
    env: common.env,
    dir: common.dir,
    json: common.json,
    // listed in --help (`USAGE unperf tests merge [OPTIONS] <FILES>`): it said only `[OPTIONS]`; the files are read from args._
    files: { type: 'positional', required: false, description: 'The tests.jsonl files to merge (relative to --cwd), e.g. the artifacts of each CI shard job' },
  },
  async run({ args }) {
    const sources = (args._ ?? []).map(String).filter(Boolean)
    if (sources.length === 0) throw new UsageError('unperf tests merge: name the tests.jsonl files to merge')
    const { mergeTestHistory, testsHistoryPath } = await import('../../vitest/history.js')
    const cwd = resolve(args.cwd ?? process.cwd())
    // the config gives the cap (report.history) even with --dir; a broken config only matters without --dir
    const { cliConfig } = await import('../_context.js')
    // no --cwd: the project's config and report dir (its nearest package.json up), as every command's
    const config = await cliConfig({ ...(args.cwd && { cwd }), ...(args.env && { env: args.env }) }).catch((error: unknown) => {
      if (!args.dir) throw error
      return undefined
    })
    const dir = args.dir ? resolve(cwd, args.dir) : config!.report.dir
    const cap = config?.report.history ?? 100
    // the default report dir is checked up to the cache root, as the reporter's writes are
    const { reportDirs } = await import('../../runtime/project.js')
    const checkDirs = args.dir ? [dir] : reportDirs(config!)
    const result = mergeTestHistory(dir, sources.map(s => resolve(cwd, s)), { cap, checkDirs })
    // every readable source is merged; one that could not be read is named, and fails the command (exit 1)
    if (result.unreadable.length > 0) process.exitCode = 1
    if (args.json) {
      writeJson(JSON.stringify({ file: testsHistoryPath(dir), ...result }, null, 2) + '\n')
      return
    }
    // what was merged is the command's result, on stdout as every command's (init's and cache clear's
    // `✔ wrote`/`✔ cleared`); the files it could not read are problems, on stderr (stdout never holds one)
    for (const u of result.unreadable) process.stderr.write(`[unperf] tests merge: could not read ${u.file}: ${u.reason}; its runs are not merged\n`)
    console.log(`${green('✔')} merged into ${testsHistoryPath(dir)}: ${result.added} new runs, ${result.known} already there${result.skipped ? `, ${result.skipped} corrupt lines skipped` : ''}`)
    if (result.unreadable.length > 0) process.stderr.write(`[unperf] tests merge: ${result.unreadable.length} of ${sources.length} files could not be read\n`)
  },
})

export default defineCommand({
  meta: { name: 'tests', description: 'Flaky and slow tests from the unperf/vitest reporter history' },
  subCommands: { flaky, slow, merge },
})
