import { mkdtempSync, rmSync, realpathSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const made: string[] = []
/** A fresh temp dir (real path), removed after the file's tests (test/setup/temp-dirs.ts). */
export function tempDir(prefix = 'unperf-test-'): string {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), prefix)))
  made.push(dir)
  return dir
}

/**
 * Removes the dirs tempDir() made so far. Called by an afterAll that test/setup/temp-dirs.ts (a
 * setupFile: run again for each test file) registers for each file: a top-level afterAll here would
 * be registered once per worker where test files share their modules (the 'shared' project).
 */
export function removeTempDirs(): void {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true })
}
