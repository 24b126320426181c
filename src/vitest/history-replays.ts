/**
 * vitest's `--merge-reports` replays the shards' results: with the unperf reporter in the shard jobs
 * and in the merge, each test would be in the history twice, once in its shard's run and once in
 * the merge's run (flagged `merged`), with the very durations the shard measured. Readers count
 * each file run once: the shard's record stays (it knows its shard), the replay goes.
 */
import type { TestFileRecord, TestRunEntry } from './history-lines.js'

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

function replayKey(file: TestFileRecord): string {
  const tests = Array.isArray(file.tests) ? file.tests.map(t => `${t[1]}${t[2]}`).join(',') : ''
  return `${file.project ?? ''}\0${file.path}\0${file.state}\0${file.duration}\0${file.setup}\0${tests}`
}
