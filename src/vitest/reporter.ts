/**
 * The reporter behind `unperf/vitest` (see index.ts): one TestRunEntry per run, appended to `tests.jsonl`.
 *
 * Works with vitest 3 and 4 (`onTestRunEnd`), and with vitest 2.1 (`onFinished`); older ones are
 * refused with one warning (nothing recorded).
 * Nothing happens per test: the results are read once from vitest's own task tree at the end of
 * the run and written in one append. The config and the git probe load in the background.
 */
import { resolve } from 'node:path'
import type { ResolvedPerfConfig } from '../config/types.js'
import { dirUnsafeSync } from '../drivers/fs-safety.js'
import { explainUnwritable } from '../drivers/fs-unwritable.js'
import { errorMessage } from '../errors.js'
import { reportDirs } from '../runtime/project.js'
import { codeVersion, probeCode, type CodeProbe } from './git.js'
import { missingShards } from './merge-shards.js'
import { markUnhandled } from './records.js'
import { notYetRecorded } from './history-replays.js'
import { readRunWindows } from './run-windows.js'
import { matchShardPlan } from './shard-plan.js'
import { appendTestRun, newRunId, type TestFileRecord, type TestProjectPatterns, type TestRunEntry } from './history.js'
import { legacyFileRecord, moduleRecord, narrowedBy, projectPatterns } from './records.js'
import type { RunnerTaskLike, SpecificationLike, TestModuleLike, VitestLike } from './vitest-shapes.js'
import { unsupportedVitest, vitestVersion } from './vitest-version.js'
import { filtersTests, ranOnly, reachedBail } from './run-scope.js'

export interface UnperfReporterOptions {
  /**
   * Directory of `tests.jsonl`. Relative = against `cwd`.
   * @default `report.dir` of the perf config (the platform cache dir, per project)
   */
  dir?: string | undefined
  /** The project whose perf.config is loaded. @default the vitest root */
  cwd?: string | undefined
  /** Where perf.config is looked for. @default cwd */
  rootDir?: string | undefined
  /** Config environment (`$env` blocks). @default PERF_ENV, else NODE_ENV, else 'production' */
  env?: string | undefined
  /** Runs kept. @default `report.history` of the perf config (100) */
  history?: number | undefined
  /**
   * In watch mode, also record each rerun (usually one edited file, timed warm). `false` records
   * only the first, full run of a watch session. @default false
   */
  watch?: boolean | undefined
}

/** Default number of runs kept when no config can be read. */
const DEFAULT_HISTORY = 100

/** The vitest reporter. vitest instantiates the default export: `reporters: [['unperf/vitest', { dir }]]`. */
export class UnperfReporter {
  readonly options: UnperfReporterOptions
  private root = process.cwd()
  private vitestVersion: string | undefined
  private shard: string | undefined
  private projects: TestProjectPatterns[] | undefined
  private narrowedBy: string[] | undefined
  private target: Promise<{ dir: string; cap: number; checkDirs: string[] } | undefined> | undefined
  private code: Promise<CodeProbe> | undefined
  /** When the probe of the recorded run started: files changed since were written by the run (git.ts codeVersion). */
  private writtenSince = Date.now()
  private startedAt = Date.now()
  /** When vitest started (onInit): a shard plan written long before is not this process's (shard-plan.ts). */
  private initAt = Date.now()
  /** The files of the run vitest is starting (onTestRunStart, vitest >= 3): all of them, even those a `--bail` never reached. */
  private planned: ReadonlyArray<SpecificationLike> | undefined
  /** vitest >= 3 announces runs with onTestRunStart; then onFinished (deprecated there) is ignored. */
  private modernApi = false
  private vitest: VitestLike | undefined
  private partial = false
  /** Runs ended in this process (watch mode has several). */
  private runs = 0
  /** Why this vitest is not recorded (a version the reporter cannot read right), said once. */
  private unsupported: string | undefined

  constructor(options: UnperfReporterOptions = {}) {
    this.options = { ...options }
  }

  onInit(vitest: VitestLike): void {
    this.startedAt = this.initAt = Date.now()
    this.vitest = vitest
    this.partial = filtersTests(vitest.config)
    this.vitestVersion = vitestVersion(vitest, vitest.config?.root ?? process.cwd())
    this.unsupported = unsupportedVitest(this.vitestVersion)
    if (this.unsupported) return warn(this.unsupported)
    try {
      this.root = vitest.config?.root ?? process.cwd()
      const shard = vitest.config?.shard
      this.shard = shard && shard.count > 1 ? `${shard.index}/${shard.count}` : undefined
      this.projects = projectPatterns(vitest, this.root)
      this.narrowedBy = narrowedBy(vitest)
    } catch { /* an unexpected vitest shape: record without these */ }
    this.target = this.resolveTarget()
    this.code = this.probeCode()
  }

  onTestRunStart(specifications?: ReadonlyArray<SpecificationLike>): void {
    if (this.unsupported) return
    this.startedAt = Date.now()
    this.planned = specifications
    this.partial = filtersTests(this.vitest?.config)
      || (specifications ?? []).some(s => (s.testLines?.length ?? 0) > 0 || (s.testIds?.length ?? 0) > 0 || !!s.testNamePattern)
    // watch mode: each rerun may run different code (the first run uses the probe onInit started);
    // a rerun that will not be recorded asks git nothing (a `git diff` on every save)
    if ((this.modernApi || !this.code) && this.recordsNextRun()) this.code = this.probeCode()
    this.modernApi = true
  }

  async onTestRunEnd(testModules: ReadonlyArray<TestModuleLike>, errors: ReadonlyArray<unknown> | undefined, reason: string): Promise<void> {
    this.modernApi = true
    // `--bail` stopped the run at a failure: recorded (the failure is what `tests flaky` needs; on CI
    // with --bail no failing run would be seen otherwise) as partial, since the files cut short and
    // the ones never started would mislead the shards. Any other interruption (a key, Ctrl-C) is not.
    if (reason !== 'passed' && reason !== 'failed' && reason !== 'interrupted') return
    let files: TestFileRecord[]
    let bailed = false
    try {
      // a run that ended (not interrupted): a file left unfinished lost its worker, recorded as failed
      files = testModules.map(m => moduleRecord(m, this.root, reason !== 'interrupted')).filter((f): f is TestFileRecord => f !== undefined)
      // vitest tells no bail from a key press: a bail is a run interrupted once `bail` tests failed
      bailed = reason === 'interrupted' && reachedBail(this.vitest?.config?.bail, files)
      if (reason === 'interrupted' && !bailed) return
      if (!this.partial && ranOnly(files, this.root)) this.partial = true
    } catch (error) {
      warn(`could not read the test results (${errorMessage(error)})`)
      return
    }
    if (bailed) this.partial = true
    // vitest 3/4 say 'passed' when only unhandled errors failed the run (a crashed worker, an
    // unhandled rejection), yet exit 1 for them: the run is recorded as vitest ends it
    const unhandled = (errors?.length ?? 0) > 0 && this.vitest?.config?.dangerouslyIgnoreUnhandledErrors !== true
    // the file an unhandled error came from failed outside its tests, as a file whose import threw
    if (unhandled) markUnhandled(files, errors ?? [], this.root)
    const failed = bailed || reason === 'failed' || unhandled || files.some(f => f.crashed)
    await this.write(files, failed ? 'failed' : 'passed', bailed, () => (this.planned ?? testModules).map(m => m.moduleId))
  }

  /** vitest 2.1 (and vitest 3, where onTestRunEnd supersedes it). */
  async onFinished(files?: ReadonlyArray<RunnerTaskLike>, errors?: ReadonlyArray<unknown>): Promise<void> {
    if (this.modernApi || !files || this.unsupported) return
    let records: TestFileRecord[]
    let bailed = false
    try {
      records = files.map(f => legacyFileRecord(f, this.root)).filter((f): f is TestFileRecord => f !== undefined)
      // vitest 2 ends a cancelled run here too (`isCancelling` until the next run starts): by
      // `--bail` once `bail` tests failed (recorded, partial, as onTestRunEnd does), or by a key
      if (this.vitest?.isCancelling === true) {
        bailed = reachedBail(this.vitest.config?.bail, records)
        if (!bailed) return
        this.partial = true
      }
      if (!this.partial && ranOnly(records, this.root)) this.partial = true
    } catch (error) {
      warn(`could not read the test results (${errorMessage(error)})`)
      return
    }
    const failed = bailed || (errors?.length ?? 0) > 0 || records.some(f => f.state === 'failed')
    await this.write(records, failed ? 'failed' : 'passed', bailed, () => files.map(f => f.filepath))
  }

  onWatcherRerun(): void {
    if (this.modernApi || this.unsupported) return
    this.startedAt = Date.now()
    this.partial = filtersTests(this.vitest?.config)
    if (this.recordsNextRun()) this.code = this.probeCode()
  }

  // --- internal ---

  /** In watch mode only the first run is recorded, unless `watch: true`. */
  private recordsNextRun(): boolean {
    return this.runs === 0 || !this.vitest?.config?.watch || !!this.options.watch
  }

  /** The git probe, once the history dir is known (it is left out of the changes). */
  private probeCode(): Promise<CodeProbe> {
    this.writtenSince = Date.now()
    const target = (this.target ??= this.resolveTarget()).catch(() => undefined)
    return target.then(t => probeCode(this.root, process.env, t?.dir))
  }

  /** `ran`: the module ids of every file the run looked at (a shard job's are its plan's files), asked only when a plan is there. */
  private async write(files: TestFileRecord[], result: 'passed' | 'failed', bailed: boolean, ran: () => Iterable<string | undefined>): Promise<void> {
    const recorded = this.recordsNextRun()
    this.runs++
    if (!recorded) return
    if (files.length === 0) return
    try {
      const target = await (this.target ??= this.resolveTarget())
      if (!target) return
      // never into a dir someone else could write to, as the run's own report (finalize.ts): they
      // could plant `tests.jsonl` lines the flaky/slow verdicts trust; the dir itself, when the
      // user's own and only its mode is open, is made 0700 instead. Looked at on every run (watch)
      const unsafe = dirUnsafeSync(target.checkDirs, true)
      if (unsafe) return warn(`test history not recorded: refusing the report dir ${unsafe}; fix it (chown/chmod 700) or set report.dir`)
      // the files the run wrote itself (tests writing into the project) are not "the code"
      // and the files earlier runs wrote (a fixture made once): when the tree is dirty, the runs' windows are read
      const probe = await (this.code ?? this.probeCode())
      const code = codeVersion(probe, this.root, this.writtenSince, probe.changes ? readRunWindows(target.dir) : [])
      // `--merge-reports` replays the shards' files: those their own runs recorded here are not written twice
      const merged = !!this.vitest?.config?.mergeReports
      if (merged) files = notYetRecorded(target.dir, files)
      // a merge of some shards' blobs replays part of the suite: partial, as a --bail run is
      const lacking = merged ? missingShards(this.vitest?.config?.mergeReports) : undefined
      if (files.length === 0) return
      // `vitest run $(unperf shard --total 4 --index 2)`: one shard job of a pipeline, not a run of
      // the suite; told by the plan unperf shard left beside the history (one lstat when there is none)
      const plan = this.shard || merged ? undefined : matchShardPlan(target.dir, this.root, ran, this.initAt)
      const shard = this.shard ?? (plan && `${plan.index}/${plan.total}`)
      const endedAt = Date.now()
      const entry: TestRunEntry = {
        v: 1,
        id: newRunId(),
        startedAt: this.startedAt,
        endedAt,
        duration: endedAt - this.startedAt,
        ...code,
        ...(shard && { shard }),
        ...(plan && { shardBy: 'unperf' as const }),
        result,
        ...((this.partial || lacking) && { partial: true }),
        ...(bailed && { bailed: true as const }),
        ...(this.vitestVersion && { vitest: this.vitestVersion }),
        ...(merged && { merged: true as const }),
        ...(lacking && { shardsMissing: lacking }),
        ...(this.projects && { projects: this.projects }),
        ...(this.narrowedBy && { narrowedBy: this.narrowedBy }),
        files,
      }
      appendTestRun(target.dir, entry, { cap: target.cap })
    } catch (error) {
      // a read-only fs, one that takes no new dirs (/sys, /proc) or a dir not ours, said as such
      const dir = (await this.target?.catch(() => undefined))?.dir
      warn(`could not record the test run (${errorMessage(dir ? explainUnwritable(error, dir) : error)})`)
    }
  }

  /** Where tests.jsonl goes, its cap, and the dirs checked before each write (the default report dir's parents too). */
  private async resolveTarget(): Promise<{ dir: string; cap: number; checkDirs: string[] } | undefined> {
    const cwd = resolve(this.root, this.options.cwd ?? '.')
    const explicitDir = this.options.dir !== undefined ? resolve(cwd, this.options.dir) : undefined
    if (explicitDir !== undefined && this.options.history !== undefined) return { dir: explicitDir, cap: this.options.history, checkDirs: [explicitDir] }
    let config: ResolvedPerfConfig
    try {
      const { loadPerfConfig } = await import('../config/load.js')
      config = await loadPerfConfig({
        cwd,
        ...(this.options.rootDir !== undefined && { rootDir: resolve(cwd, this.options.rootDir) }),
        ...(this.options.env !== undefined && { env: this.options.env }),
      })
    } catch (error) {
      if (explicitDir === undefined) {
        warn(`test history not recorded: ${errorMessage(error)}`)
        return undefined
      }
      return { dir: explicitDir, cap: DEFAULT_HISTORY, checkDirs: [explicitDir] }
    }
    const dir = explicitDir ?? config.report.dir
    return { dir, cap: this.options.history ?? config.report.history, checkDirs: explicitDir ? [explicitDir] : reportDirs(config) }
  }
}

const warned = new Set<string>()
function warn(message: string): void {
  if (warned.has(message)) return
  warned.add(message)
  process.stderr.write(`[unperf] vitest reporter: ${message}\n`)
}
