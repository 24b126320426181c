/**
 * What the reporter records, read from vitest's objects: a file's TestFileRecord from a test module
 * (vitest 3 and 4) or from a runner task (onFinished, older vitest), and the projects' patterns.
 */
import { readFileSync } from 'node:fs'
import { relative, resolve, sep } from 'node:path'
import type { TestFileRecord, TestProjectPatterns, TestSample, TestStateCode } from './history.js'
import type { RunnerTaskLike, TestModuleLike, VitestLike } from './vitest-shapes.js'

const STATE: Record<string, TestStateCode> = { passed: 'p', failed: 'f', skipped: 's', pass: 'p', fail: 'f', skip: 's', todo: 's' }

function round(ms: number | undefined): number {
  return ms !== undefined && Number.isFinite(ms) && ms > 0 ? Math.round(ms * 100) / 100 : 0
}

function toPosix(path: string): string {
  return sep === '/' ? path : path.split(sep).join('/')
}

/** A test file's path as the history records it: POSIX, relative to the vitest root (shard plans compare with it). */
export function recordedPath(root: string, file: string): string {
  return toPosix(relative(root, file))
}

/**
 * Each project's globs as its config sets them: vitest appends a command line `--exclude` to every
 * project's `exclude`, and `unperf shard` would then leave those files out of every later plan.
 */
export function projectPatterns(vitest: VitestLike, root: string): TestProjectPatterns[] | undefined {
  const projects = vitest.projects
  if (!projects || projects.length === 0) return undefined
  const cliExclude = strings(vitest.config?.cliExclude)
  return projects.flatMap(p => {
    const base = { ...(p.name && { name: p.name }), dir: toPosix(relative(root, p.config?.dir ?? p.config?.root ?? root)) }
    const exclude = withoutAppended([...(p.config?.exclude ?? [])], cliExclude)
    const includeSource = strings(p.config?.includeSource)
    const patterns: TestProjectPatterns[] = []
    // the project's test files and its in-source tests; with `typecheck.only`, none of them run
    const typecheck = p.config?.typecheck
    if (!(typecheck?.enabled && typecheck.only)) {
      patterns.push({ ...base, include: [...(p.config?.include ?? [])], exclude, ...(includeSource.length > 0 && { includeSource }) })
    }
    // type tests (`*.test-d.ts`): vitest runs the files typecheck's own globs find, alongside
    if (typecheck?.enabled) {
      patterns.push({ ...base, include: strings(typecheck.include), exclude: withoutAppended(strings(typecheck.exclude), cliExclude) })
    }
    return patterns
  })
}

/**
 * The command line options that narrowed the files this run looked for: `--project` (vitest then
 * resolves only those projects) and `--dir` (it scans only there); undefined when none did.
 */
export function narrowedBy(vitest: VitestLike): string[] | undefined {
  const options = strings(vitest.config?.project).map(p => `--project ${p}`)
  const dir = vitest._cliOptions?.dir
  if (typeof dir === 'string' && dir !== '') options.push(`--dir ${dir}`)
  return options.length > 0 ? options : undefined
}

function strings(value: unknown): string[] {
  return (Array.isArray(value) ? value : value === undefined || value === null ? [] : [value]).filter((v): v is string => typeof v === 'string' && v !== '')
}

/** `list` without the `appended` globs vitest pushed at its end (the same glob set by the config stays). */
function withoutAppended(list: string[], appended: readonly string[]): string[] {
  const n = appended.length
  if (n === 0 || list.length < n) return list
  return list.slice(-n).every((g, i) => g === appended[i]) ? list.slice(0, -n) : list
}

/**
 * A file's record; with `finished` (a run that was not interrupted), a file vitest left unfinished
 * (`pending`/`queued`: its worker died under it) is recorded as failed and `crashed`.
 */
export function moduleRecord(mod: TestModuleLike, root: string, finished = false): TestFileRecord | undefined {
  const reported = mod.state?.()
  const crashed = finished && (reported === 'pending' || reported === 'queued')
  const state = crashed ? 'failed' : reported
  if (state !== 'passed' && state !== 'failed') return undefined
  const d = mod.diagnostic?.() ?? {}
  const setup = (d.environmentSetupDuration ?? 0) + (d.prepareDuration ?? 0) + (d.collectDuration ?? 0) + (d.setupDuration ?? 0)
  const tests: TestSample[] = []
  for (const test of mod.children.allTests()) {
    const code = STATE[test.result().state]
    if (!code) continue // pending: never ran (bail)
    const diag = test.diagnostic()
    tests.push([test.fullName ?? test.name, round(diag?.duration), code, diag?.retryCount ?? 0])
  }
  // a hook or the import threw: vitest skips the tests it guards, so no test records the failure
  const failedSuites: string[] = []
  if (crashed || hasErrors(mod.errors?.())) failedSuites.push('')
  for (const suite of mod.children.allSuites?.() ?? []) {
    if (hasErrors(suite.errors?.())) failedSuites.push(suite.fullName ?? suite.name)
  }
  const project = mod.project?.name
  return {
    path: recordedPath(root, mod.moduleId),
    ...(project && { project }),
    state,
    duration: round(setup + (d.duration ?? 0)),
    setup: round(setup),
    tests,
    ...(failedSuites.length > 0 && { failedSuites }),
    ...(crashed && { crashed: true as const }),
  }
}

/**
 * The file may hold an `it.only` / `describe.only`: vitest then runs only those tests of the file
 * and skips the rest, so the file's duration times a part of it, as with `-t`. vitest erases the
 * `only` (the focused tests end up `run`, the others `skip`, as an `it.skip` does), so a file
 * with both skipped and run tests is read for `.only`: rarely more than a few files, and a `.only`
 * in a comment only costs this run's file durations. A file whose tests all ran is timed whole.
 */
export function mayHaveRunOnly(path: string, tests: readonly TestSample[]): boolean {
  if (!tests.some(t => t[2] === 's') || !tests.some(t => t[2] !== 's')) return false
  try {
    return ONLY.test(readFileSync(path, 'utf8'))
  } catch {
    return false // gone meanwhile: nothing to say
  }
}

/** `.only` as vitest's API spells it: `it.only(`, `describe.only(`, `test.only.each`, `describe.concurrent.only(` */
const ONLY = /\.only\s*[.(`]/

export function legacyFileRecord(file: RunnerTaskLike, root: string): TestFileRecord | undefined {
  const state = file.result?.state === 'pass' ? 'passed' : file.result?.state === 'fail' ? 'failed' : undefined
  if (!state || !file.filepath) return undefined
  const setup = (file.environmentLoad ?? 0) + (file.prepareDuration ?? 0) + (file.collectDuration ?? 0) + (file.setupDuration ?? 0)
  const tests: TestSample[] = []
  const failedSuites: string[] = hasErrors(file.result?.errors) ? [''] : []
  const walk = (task: RunnerTaskLike, prefix: string): void => {
    for (const child of task.tasks ?? []) {
      const name = prefix ? `${prefix} > ${child.name}` : child.name
      if (child.type === 'suite') {
        if (hasErrors(child.result?.errors)) failedSuites.push(name)
        walk(child, name)
      } else if (child.type === 'test' || child.type === 'custom') {
        const code = child.mode === 'skip' || child.mode === 'todo' ? 's' : STATE[child.result?.state ?? '']
        if (code) tests.push([name, round(child.result?.duration), code, child.result?.retryCount ?? 0])
      }
    }
  }
  walk(file, '')
  return {
    path: recordedPath(root, file.filepath),
    ...(file.projectName && { project: file.projectName }),
    state,
    duration: round(setup + (file.result?.duration ?? 0)),
    setup: round(setup),
    tests,
    ...(failedSuites.length > 0 && { failedSuites }),
  }
}

function hasErrors(errors: ReadonlyArray<unknown> | undefined): boolean {
  return Array.isArray(errors) && errors.length > 0
}

/**
 * Files vitest's unhandled errors came from (an unhandled rejection, an error thrown in a timer
 * after a test: vitest names the file, `VITEST_TEST_PATH`, and exits 1 while every test passed):
 * each gets `''` in `failedSuites`, failed outside its tests, so one that does so in some runs is
 * found flaky. Errors naming no file (a crashed worker: `crashed` says it) mark nothing.
 */
export function markUnhandled(files: TestFileRecord[], errors: ReadonlyArray<unknown>, root: string): void {
  const paths = new Set<string>()
  for (const error of errors) {
    const path = typeof error === 'object' && error !== null ? (error as { VITEST_TEST_PATH?: unknown }).VITEST_TEST_PATH : undefined
    if (typeof path === 'string' && path !== '') paths.add(resolve(root, path))
  }
  for (const file of files) {
    if (!paths.has(resolve(root, file.path))) continue
    const failed = file.failedSuites ?? []
    if (!failed.includes('')) file.failedSuites = ['', ...failed]
  }
}
