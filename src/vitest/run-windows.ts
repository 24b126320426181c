/**
 * When the recorded runs were going: a file last changed inside one of these windows was written by
 * a test run (a fixture a test creates the first time and reuses after), not by the user, so it is
 * no part of "the code" in later runs either (git.ts codeVersion).
 */
import { parseHistoryLine, testsHistoryPath } from './history-lines.js'
import { readRegularFileSync } from '../runtime/read-regular-file.js'

/** [startedAt, endedAt] of a recorded run, ms since epoch. */
export type RunWindow = readonly [start: number, end: number]

/** The reporter writes these first: read from the start of a line, not the whole (maybe large) JSON. */
const HEAD = /^(?:[0-9a-f]{16}\t)?\{"v":1,"id":"[0-9a-f]+","startedAt":(\d+),"endedAt":(\d+),/

/**
 * The windows of the runs in `dir`'s tests.jsonl; none when it cannot be read. A line whose head is
 * not the reporter's (another writer's key order) is parsed whole; a torn one is left out.
 */
export function readRunWindows(dir: string): RunWindow[] {
  let text: string
  try {
    text = readRegularFileSync(testsHistoryPath(dir), 'utf8')
  } catch {
    return []
  }
  const windows: RunWindow[] = []
  for (const line of text.split('\n')) {
    if (line === '') continue
    const head = HEAD.exec(line.slice(0, 200))
    if (head) {
      windows.push([Number(head[1]), Number(head[2])])
      continue
    }
    const entry = parseHistoryLine(line)
    if (entry && Number.isFinite(entry.startedAt) && Number.isFinite(entry.endedAt)) windows.push([entry.startedAt, entry.endedAt])
  }
  return windows
}

/** `ms` falls inside one of the windows (both ends included). */
export function insideWindow(windows: readonly RunWindow[], ms: number): boolean {
  return windows.some(([start, end]) => ms >= start && ms <= end)
}
