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
  const { projects } = testFilePatterns(entries, options)
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
    if (project.includeSource && project.includeSource.length > 0) {
      for (const file of await inSourceTestFiles(base, project.includeSource, [...project.exclude, ...(options.exclude ?? [])])) {
        found.add(project.dir ? `${project.dir}/${file}` : file)
      }
    }
  }
  return [...found].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
}

/** The files `includeSource` finds that hold in-source tests: as vitest tells them, by `import.meta.vitest` in their text. */
async function inSourceTestFiles(base: string, include: string[], ignore: string[]): Promise<string[]> {
  const { glob } = await import('tinyglobby')
  const { readFile } = await import('node:fs/promises')
  const files = await glob(include, { cwd: base, ignore, absolute: false, onlyFiles: true, expandDirectories: false })
  const tests = await Promise.all(files.map(async file => {
    try {
      return (await readFile(join(base, file), 'utf8')).includes('import.meta.vitest') ? file : undefined
    } catch {
      return undefined // gone or unreadable meanwhile: vitest would skip it too
    }
  }))
  return tests.filter((f): f is string => f !== undefined)
}

export interface TestFilePatterns {
  projects: TestProjectPatterns[]
  /**
   * Set when every recorded run that holds globs was narrowed on the command line (`--project`,
   * `--dir`): those options, and `projects` what those runs looked at (other files are missed).
   */
  narrowedBy?: string[]
}

/**
 * The globs files are found with: explicit ones, else those of the last run not narrowed on the
 * command line (a run with `--project` records only the projects it ran, one with `--dir` only
 * that dir, and planning from it would leave every other file out of all shards), else those of
 * every narrowed run together, else vitest's defaults.
 */
export function testFilePatterns(entries: readonly TestRunEntry[], options: DiscoverOptions = {}): TestFilePatterns {
  if (options.include && options.include.length > 0) return { projects: [{ dir: '', include: options.include, exclude: VITEST_DEFAULT_EXCLUDE }] }
  const narrowed = new Map<string, TestProjectPatterns>()
  const by = new Set<string>()
  for (let i = entries.length - 1; i >= 0; i--) {
    const projects = entries[i]!.projects?.filter(p => p.include.length > 0 || (p.includeSource?.length ?? 0) > 0)
    if (!projects || projects.length === 0) continue
    const narrowing = entries[i]!.narrowedBy
    if (!narrowing || narrowing.length === 0) return { projects }
    for (const p of projects) narrowed.set(JSON.stringify([p.name ?? '', p.dir, p.include, p.exclude, p.includeSource ?? []]), p)
    for (const o of narrowing) by.add(o)
  }
  if (narrowed.size > 0) return { projects: [...narrowed.values()], narrowedBy: [...by].sort() }
  return { projects: [{ dir: '', include: VITEST_DEFAULT_INCLUDE, exclude: VITEST_DEFAULT_EXCLUDE }] }
}
