/**
 * vitest's `--merge-reports` replays the shards' results: with the unperf reporter in the shard jobs
 * and in the merge, each test would be in the history twice, once in its shard's run and once in
 * the merge's run (flagged `merged`), with the very durations the shard measured. Each file run
 * counts once: the shard's record stays (it knows its shard), the replay goes: when the merge
 * writes, if the shards' runs are in its history already ({@link notYetRecorded}); else when read,
 * once they arrive (`unperf tests merge`: {@link withoutReplays}).
 */
import { parseHistoryLines, testsHistoryPath, type TestFileRecord, type TestRunEntry } from './history-lines.js'
import { readRegularFileSync } from '../runtime/read-regular-file.js'

/**
 * The runs without the file records of a `merged` run that replay a record of another run: same
 * project, path, state and the same durations to the 1/100 ms (the file's, its setup's and each
 * test's), which two real runs of a file do not share (the commit is not compared: a merge job
 * without the CI's variables or git still finds its shards). A merged run left without files is left
 * out; one whose shards did not record (their jobs ran only the blob reporter) keeps its files.
 * Without merged runs, the entries as they are.
 */
export function withoutReplays(entries: readonly TestRunEntry[]): TestRunEntry[] {
  if (!entries.some(e => e.merged)) return [...entries]
  const recorded = new Set<string>()
  for (const entry of entries) {
    if (entry.merged) continue
    for (const file of entry.files) recorded.add(replayKey(file))
  }
  const result: TestRunEntry[] = []
  for (const entry of entries) {
    if (!entry.merged) {
      result.push(entry)
      continue
    }
    const files = entry.files.filter(f => !recorded.has(replayKey(f)))
    if (files.length === entry.files.length) result.push(entry)
    else if (files.length > 0) result.push({ ...entry, files })
  }
  return result
}

/**
 * For a `merged` run about to be written to `dir`: its files less those a run in the history
 * already recorded (the shards wrote to the same history), so tests.jsonl itself holds each file
 * run once and the merge takes no line of the cap for nothing. An unreadable history keeps them all
 * (readers still leave out replays whose shard runs arrive later, by `unperf tests merge`).
 */
export function notYetRecorded(dir: string, files: readonly TestFileRecord[]): TestFileRecord[] {
  let text: string
  try {
    text = readRegularFileSync(testsHistoryPath(dir), 'utf8')
  } catch {
    return [...files]
  }
  const recorded = new Set<string>()
  for (const entry of parseHistoryLines(text).entries) {
    if (entry.merged) continue
    for (const file of entry.files) recorded.add(replayKey(file))
  }
  return files.filter(f => !recorded.has(replayKey(f)))
}

function replayKey(file: TestFileRecord): string {
  const tests = Array.isArray(file.tests) ? file.tests.map(t => `${t[1]}${t[2]}`).join(',') : ''
  return `${file.project ?? ''}\0${file.path}\0${file.state}\0${file.duration}\0${file.setup}\0${tests}`
}
