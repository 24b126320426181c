/**
 * The test history a CLI command works on: `tests.jsonl` in `report.dir` of the project's perf
 * config (or an explicit directory), the last `report.history` runs.
 */
import { resolve } from 'node:path'
import { dirUnsafeSync } from '../drivers/fs-safety.js'
import { reportDirs } from '../runtime/project.js'
import { whyUnreadable } from '../errors.js'
import { readTestHistory, testsHistoryPath, type SkippedLine, type TestRunEntry } from './history.js'

export interface LoadTestHistoryOptions {
  /** The project. @default process.cwd() */
  cwd?: string
  /** Config environment. */
  env?: string
  /** Directory holding `tests.jsonl`; skips loading the config. Relative = against cwd. */
  dir?: string
  /** Runs used. @default `report.history` (100), or every stored run with `dir` */
  limit?: number
  /** Every stored run in `entries`, `cap` saying how many of the newest the command uses (`unperf shard`: a sibling job's history may reach further back). */
  uncapped?: boolean
}

export interface LoadedTestHistory {
  /** Oldest first. */
  entries: TestRunEntry[]
  /** The file read. */
  file: string
  /** Corrupt or torn lines skipped. */
  skipped: number
  /**
   * Why the file was not read: its dir (or, for the default report dir, a parent up to the cache
   * root) is one someone else could write to, so its lines could be theirs (said on stderr too).
   */
  refused?: string
  /** With `uncapped`: how many of the newest `entries` the command uses (undefined: all). */
  cap?: number
}

export async function loadTestHistory(options: LoadTestHistoryOptions = {}): Promise<LoadedTestHistory> {
  const cwd = resolve(options.cwd ?? process.cwd())
  let dir: string
  let checkDirs: string[]
  let limit = options.limit
  if (options.dir !== undefined) {
    dir = resolve(cwd, options.dir)
    checkDirs = [dir]
  } else {
    // the CLI's (`unperf tests`, `unperf shard`): --env NAME without a $env.NAME block warned of, as by every command
    const { cliConfig } = await import('../cli/_context.js')
    const config = await cliConfig({ cwd, ...(options.env !== undefined && { env: options.env }) })
    dir = config.report.dir
    checkDirs = reportDirs(config)
    limit = Math.min(limit ?? config.report.history, config.report.history)
  }
  // as `unperf report` and `budget` treat the run history: lines someone else could have planted
  // would decide the flaky/slow verdicts and the shards (the reporter and merge refuse to write there)
  const unsafe = dirUnsafeSync(checkDirs)
  if (unsafe) {
    const refused = `not reading the test history dir ${unsafe}, so someone else could have written what is in it; fix it (chown/chmod 700) or set report.dir (--dir)`
    process.stderr.write(`[unperf] ${refused}\n`)
    return { entries: [], file: testsHistoryPath(dir), skipped: 0, refused }
  }
  const file = testsHistoryPath(dir)
  let history: ReturnType<typeof readTestHistory>
  try {
    history = readTestHistory(dir, options.uncapped ? undefined : limit)
  } catch (error) {
    // a directory in its place, no permission: Node's `EISDIR: illegal operation on a directory, read`
    // named no file and ended `unperf shard` with exit 1 (a CI job lost); left out as no history, said
    process.stderr.write(`[unperf] the test history ${file} cannot be read (${whyUnreadable(error, 'tests.jsonl')}): left out, as with no recorded run; remove or fix it (the reporter writes a new one)\n`)
    return { entries: [], file, skipped: 0 }
  }
  warnSkippedLines(file, history.skippedLines)
  return { entries: history.entries, file, skipped: history.skipped, ...(options.uncapped && limit !== undefined && { cap: limit }) }
}

/** Lines said one by one; past this many, the rest in one line. */
const SAID_LINES = 20

/**
 * Each line of the history not read, on stderr with its file and line number and what is wrong with
 * it (`tests.jsonl:3: skipped: files[0].tests: expected an array`): a line the reporter did not
 * write (another version's, one written by hand) is left out, never the end of the command.
 */
function warnSkippedLines(file: string, lines: readonly SkippedLine[]): void {
  if (lines.length === 0) return
  const said = lines.slice(0, SAID_LINES).map(l => `[unperf] ${file}:${l.line}: skipped: ${l.problem}\n`)
  if (lines.length > SAID_LINES) said.push(`[unperf] ${file}: ${lines.length - SAID_LINES} more lines skipped\n`)
  process.stderr.write(said.join(''))
}
