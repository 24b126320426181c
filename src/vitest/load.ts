/**
 * The test history a CLI command works on: `tests.jsonl` in `report.dir` of the project's perf
 * config (or an explicit directory), the last `report.history` runs.
 */
import { resolve } from 'node:path'
import { readTestHistory, testsHistoryPath, type TestRunEntry } from './history.js'

export interface LoadTestHistoryOptions {
  /** The project. @default process.cwd() */
  cwd?: string
  /** Config environment. */
  env?: string
  /** Directory holding `tests.jsonl`; skips loading the config. Relative = against cwd. */
  dir?: string
  /** Runs used. @default `report.history` (100), or every stored run with `dir` */
  limit?: number
}

export interface LoadedTestHistory {
  /** Oldest first. */
  entries: TestRunEntry[]
  /** The file read. */
  file: string
  /** Corrupt or torn lines skipped. */
  skipped: number
}

export async function loadTestHistory(options: LoadTestHistoryOptions = {}): Promise<LoadedTestHistory> {
  const cwd = resolve(options.cwd ?? process.cwd())
  let dir: string
  let limit = options.limit
  if (options.dir !== undefined) {
    dir = resolve(cwd, options.dir)
  } else {
    const { loadPerfConfig } = await import('../config/load.js')
    const config = await loadPerfConfig({ cwd, ...(options.env !== undefined && { env: options.env }) })
    dir = config.report.dir
    limit = Math.min(limit ?? config.report.history, config.report.history)
  }
  const { entries, skipped } = readTestHistory(dir, limit)
  return { entries, file: testsHistoryPath(dir), skipped }
}
