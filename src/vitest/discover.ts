/**
 * The test files a shard plan covers: what is on disk now, found with the include/exclude globs
 * vitest reported in the last recorded run (vitest's defaults without history), so files added
 * since the last run are sharded too and deleted ones drop out.
 */
import { join } from 'node:path'
import type { TestProjectPatterns, TestRunEntry } from './history-lines.js'

/** vitest 4's defaults (`configDefaults.include` / `.exclude`). */
export const VITEST_DEFAULT_INCLUDE = ['**/*.{test,spec}.?(c|m)[jt]s?(x)']
export const VITEST_DEFAULT_EXCLUDE = ['**/node_modules/**', '**/.git/**']

export interface DiscoverOptions {
  /** Globs replacing the recorded include patterns (relative to cwd). */
  include?: string[]
  /** Extra globs to leave out. */
  exclude?: string[]
}

/** POSIX paths relative to `cwd` (the vitest root), sorted. */
export async function discoverTestFiles(cwd: string, entries: readonly TestRunEntry[], options: DiscoverOptions = {}): Promise<string[]> {
  const { glob } = await import('tinyglobby')
  const projects = patternsOf(entries, options)
  const found = new Set<string>()
  for (const project of projects) {
    const base = project.dir ? join(cwd, project.dir) : cwd
    const files = await glob(project.include, {
      cwd: base,
      ignore: [...project.exclude, ...(options.exclude ?? [])],
      absolute: false,
      onlyFiles: true,
      expandDirectories: false,
    })
    for (const file of files) found.add(project.dir ? `${project.dir}/${file}` : file)
  }
  return [...found].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
}

// --- internal ---

function patternsOf(entries: readonly TestRunEntry[], options: DiscoverOptions): TestProjectPatterns[] {
  if (options.include && options.include.length > 0) return [{ dir: '', include: options.include, exclude: VITEST_DEFAULT_EXCLUDE }]
  for (let i = entries.length - 1; i >= 0; i--) {
    const projects = entries[i]!.projects?.filter(p => p.include.length > 0)
    if (projects && projects.length > 0) return projects
  }
  return [{ dir: '', include: VITEST_DEFAULT_INCLUDE, exclude: VITEST_DEFAULT_EXCLUDE }]
}
