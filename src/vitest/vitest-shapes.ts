/**
 * The vitest objects the reporter reads, as structural types: vitest 3 and 4 differ in their type exports.
 */

export interface VitestLike {
  version?: unknown
  /** vitest 2: the current run is being cancelled (`--bail`, a key in watch mode), until the next one starts. */
  isCancelling?: boolean
  /** vitest's own command line options (internal to vitest 3 and 4: read defensively). */
  _cliOptions?: { dir?: unknown }
  config?: { root?: string; shard?: { index: number; count: number }; testNamePattern?: unknown; tagsFilter?: unknown; mergeReports?: unknown; bail?: unknown; dangerouslyIgnoreUnhandledErrors?: boolean; watch?: boolean; project?: string | string[]; cliExclude?: string[] | null }
  projects?: ReadonlyArray<{ name?: string; config?: {
    root?: string; dir?: string; include?: string[]; exclude?: string[]; includeSource?: string[]
    typecheck?: { enabled?: boolean; only?: boolean; include?: string[]; exclude?: string[] }
  } }>
}

export interface SpecificationLike {
  moduleId?: string
  testLines?: unknown[]
  testIds?: unknown[]
  testNamePattern?: unknown
}

export interface TestModuleLike {
  moduleId: string
  project?: { name?: string }
  state?(): string
  diagnostic?(): { environmentSetupDuration?: number; prepareDuration?: number; collectDuration?: number; setupDuration?: number; duration?: number }
  errors?(): ReadonlyArray<unknown>
  children: { allTests(): Iterable<TestCaseLike>; allSuites?(): Iterable<TestSuiteLike> }
}

export interface TestSuiteLike {
  fullName?: string
  name: string
  errors?(): ReadonlyArray<unknown>
}

export interface TestCaseLike {
  fullName?: string
  name: string
  result(): { state: string }
  diagnostic(): { duration?: number; retryCount?: number } | undefined
}

/** vitest's runner task (File / Suite / Test), for onFinished. */
export interface RunnerTaskLike {
  type?: string
  name: string
  filepath?: string
  mode?: string
  projectName?: string
  tasks?: RunnerTaskLike[]
  collectDuration?: number
  setupDuration?: number
  environmentLoad?: number
  prepareDuration?: number
  result?: { state?: string; duration?: number; retryCount?: number; errors?: unknown[] }
}
