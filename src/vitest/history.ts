/**
 * Test-run history: `tests.jsonl` beside the run history in `report.dir`, one vitest run a line.
 *
 * The line format and the entry types: history-lines.ts. Writing (one O_APPEND write a run, and the
 * compaction to `cap` lines once the file holds more than 2× cap, under a lock file): history-write.ts.
 * Merging other histories in (`unperf tests merge`): history-merge.ts. This module reads the file,
 * and is what the reporter (index.ts) and the CLI import.
 */
import { parseHistoryLines, testsHistoryPath, type SkippedLine, type TestRunEntry } from './history-lines.js'
import { withoutReplays } from './history-replays.js'
import { readRegularFileSync } from '../runtime/read-regular-file.js'

export {
  newRunId, testsHistoryPath, type SkippedLine, type TestFileRecord, type TestProjectPatterns, type TestRunEntry, type TestSample, type TestStateCode,
} from './history-lines.js'
export { appendTestRun } from './history-write.js'
export { mergeTestHistory } from './history-merge.js'

export interface ReadHistoryResult {
  /** Valid entries, oldest first, at most `limit`. */
  entries: TestRunEntry[]
  /** Lines that failed their hash check, did not parse or lack a field the readers use (torn writes, manual edits, another version's lines). */
  skipped: number
  /** Those lines: their 1-based number in the file and what is wrong with each. */
  skippedLines: SkippedLine[]
}

/**
 * Reads the last `limit` valid runs (all when omitted). A missing file is an empty history. The
 * files a `vitest --merge-reports` run replayed from shard runs recorded too are left out of it
 * (each file run counts once; a merged run left without files is left out).
 */
export function readTestHistory(dir: string, limit?: number): ReadHistoryResult {
  let text: string
  try {
    text = readRegularFileSync(testsHistoryPath(dir), 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { entries: [], skipped: 0, skippedLines: [] }
    throw error
  }
  const parsed = parseHistoryLines(text)
  const entries = withoutReplays(parsed.entries)
  return { entries: limit !== undefined && entries.length > limit ? entries.slice(-limit) : entries, skipped: parsed.skipped, skippedLines: parsed.lines }
}
