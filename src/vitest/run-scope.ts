/**
 * Whether a run timed only part of the suite, and is recorded `partial` (reporter.ts): tests picked
 * by name or tag, an `.only` in a file, or a `--bail` reached.
 */
import { resolve } from 'node:path'
import type { TestFileRecord } from './history.js'
import { mayHaveRunOnly } from './records.js'
import type { VitestLike } from './vitest-shapes.js'

/** `it.only` / `describe.only` in a file: only part of it ran, as with `-t`. */
export function ranOnly(files: readonly TestFileRecord[], root: string): boolean {
  return files.some(f => mayHaveRunOnly(resolve(root, f.path), f.tests))
}

/** `--bail n` and at least n failed tests. */
export function reachedBail(bail: unknown, files: readonly TestFileRecord[]): boolean {
  if (typeof bail !== 'number' || !(bail > 0)) return false
  let failed = 0
  for (const file of files) for (const test of file.tests) if (test[2] === 'f') failed++
  return failed >= bail
}

/** Runs that pick tests by name or tag time part of each file. */
export function filtersTests(config: VitestLike['config']): boolean {
  const tags = config?.tagsFilter
  return !!config?.testNamePattern || (Array.isArray(tags) ? tags.length > 0 : !!tags)
}
