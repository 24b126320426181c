/**
 * The vitest objects the reporter reads, as structural types: vitest 3 and 4 differ in their type exports.
 * Every optional key also takes `undefined`: vitest's own types write some as `testLines: number[] | undefined`,
 * which a host's vitest.config.ts compiled with exactOptionalPropertyTypes refused to pass to
 * `new UnperfReporter()`'s methods (vitest's `Reporter` did not take the instance).
 */

export interface VitestLike {
  version?: unknown
  /** vitest 2: the current run is being cancelled (`--bail`, a key in watch mode), until the next one starts. */
  isCancelling?: boolean | undefined
  /** vitest's own command line options (internal to vitest 3 and 4: read defensively). */
  _cliOptions?: { dir?: unknown } | undefined
  config?: { root?: string | undefined; shard?: { index: number; count: number } | undefined; testNamePattern?: unknown; tagsFilter?: unknown; mergeReports?: unknown; bail?: unknown; dangerouslyIgnoreUnhandledErrors?: boolean | undefined; watch?: boolean | undefined; project?: string | string[] | undefined; cliExclude?: string[] | null | undefined } | undefined
  projects?: ReadonlyArray<{ name?: string | undefined; config?: {
    root?: string | undefined; dir?: string | undefined; include?: string[] | undefined; exclude?: string[] | undefined; includeSource?: string[] | undefined
    typecheck?: { enabled?: boolean | undefined; only?: boolean | undefined; include?: string[] | undefined; exclude?: string[] | undefined } | undefined
  } | undefined }> | undefined
}

export interface SpecificationLike {
  moduleId?: string | undefined
  testLines?: unknown[] | undefined
  testIds?: unknown[] | undefined
  testNamePattern?: unknown
}

export interface TestModuleLike {
  moduleId: string
  project?: { name?: string | undefined } | undefined
  state?(): string
  diagnostic?(): { environmentSetupDuration?: number | undefined; prepareDuration?: number | undefined; collectDuration?: number | undefined; setupDuration?: number | undefined; duration?: number | undefined }
  errors?(): ReadonlyArray<unknown>
  children: { allTests(): Iterable<TestCaseLike>; allSuites?(): Iterable<TestSuiteLike> }
}

export interface TestSuiteLike {
  fullName?: string | undefined
  name: string
  errors?(): ReadonlyArray<unknown>
}

export interface TestCaseLike {
  fullName?: string | undefined
  name: string
  result(): { state: string }
  diagnostic(): { duration?: number | undefined; retryCount?: number | undefined } | undefined
}

/** vitest's runner task (File / Suite / Test), for onFinished. */
export interface RunnerTaskLike {
  type?: string | undefined
  name: string
  filepath?: string | undefined
  mode?: string | undefined
  projectName?: string | undefined
  tasks?: RunnerTaskLike[] | undefined
  collectDuration?: number | undefined
  setupDuration?: number | undefined
  environmentLoad?: number | undefined
  prepareDuration?: number | undefined
  result?: { state?: string | undefined; duration?: number | undefined; retryCount?: number | undefined; errors?: unknown[] | undefined } | undefined
}
