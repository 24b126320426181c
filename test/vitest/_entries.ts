import type { TestFileRecord, TestRunEntry, TestSample } from '../../src/vitest/history-lines.js'

let n = 0
/** A hand-built run: files as { path: duration } or full records. */
export function run(files: Record<string, number> | TestFileRecord[], extra: Partial<TestRunEntry> = {}): TestRunEntry {
  n++
  const list = Array.isArray(files)
    ? files
    : Object.entries(files).map(([path, duration]) => ({ path, state: 'passed' as const, duration, setup: 0, tests: [] }))
  return { v: 1, id: `r${n}`, startedAt: n * 1000, endedAt: n * 1000 + 100, duration: 100, result: 'passed', ...extra, files: list }
}

/** One file with the given tests. */
export function file(path: string, tests: TestSample[], state: TestFileRecord['state'] = 'passed'): TestFileRecord {
  return { path, state, duration: tests.reduce((s, t) => s + t[1], 0), setup: 0, tests }
}
