/**
 * What a run says when its cache or report dir cannot be written (fs-unwritable.ts): the dir, why
 * (a read-only file system, no permission) and what to do, instead of Node's `ENOENT … mkdir`. On a
 * read-only file system that holds both (a container's read-only root, a read-only home), or under
 * the same dir not ours, one warning for both: the cache's (it fails first, the report is written
 * at exit), under the report's code, so the report's own is not said again. So on a full disk that
 * holds both (ENOSPC, EDQUOT): whichever fails first names both, and the other says nothing more.
 *
 * Error paths only: a deferred module (scripts/build.mjs DEFERRED), out of the start script.
 */
import { statSync } from 'node:fs'
import { dirname, sep } from 'node:path'
import { whyUnwritable, type Unwritable } from '../drivers/fs-unwritable.js'
import { errorMessage } from '../errors.js'
import type { RuntimeContext } from './_internal.js'
import type { PerfReport } from './report-types.js'

const FIX_CACHE = 'point cache.dir or XDG_CACHE_HOME at a writable dir, or turn the cache off: UNPERF_CACHE=0'
const FIX_REPORT = 'point report.dir, or XDG_CACHE_HOME for the default one, at a writable dir'

/** The system calls of a failed write: any other (scandir, open, stat) in a read or a listing was a read. */
const WRITE_CALLS = new Set(['mkdir', 'rename', 'unlink', 'rmdir', 'rm', 'write', 'utime', 'futime', 'copyfile', 'symlink', 'link', 'chmod'])

/**
 * The cache tier of `dir` cannot be written, or read (`why`: the cause its explain() found; `code`:
 * the failed call's, E_WRITE for a write; `error`: explain()'s, the failure as its `cause`).
 */
export function warnCacheUnwritable(ctx: RuntimeContext, kind: string, dir: string, why: Unwritable, code?: string, error?: unknown): void {
  const syscall = ((error as { cause?: { syscall?: unknown } } | undefined)?.cause?.syscall)
  // a dir this user may not enter fails a list or a get as it fails a set: not said as a write
  const read = code !== undefined && code !== 'E_WRITE' && !WRITE_CALLS.has(String(syscall))
  const reportDir = ctx.config.report.dir
  // as the cache's write failed (a dir that takes no new dirs, /sys, is told by the failure alone)
  const report = whyUnwritable(reportDir, { code: why.code })
  // the report will fail for the same reason: a read-only file system, or the same dir not ours
  if (report && report.code === why.code && (why.code === 'EROFS' || report.at === why.at)) {
    // the cache dir rather than a namespace's under it (`…/s_1.0.0_<project>_<hash>/n-default`)
    const cacheDir = ctx.config.cache.dir
    const shown = dir.startsWith(cacheDir + sep) ? cacheDir : dir
    ctx.warn(reportCode(reportDir, why), `${why.reason}: the ${kind} cache (${shown}) ${read ? 'cannot be read and' : 'and'} the report (${reportDir}) cannot be written; `
      + `the command goes on without them (point XDG_CACHE_HOME, or cache.dir and report.dir, at a ${read ? 'readable and ' : ''}writable dir; UNPERF_CACHE=0 turns the cache off)`)
    return
  }
  // one warning for every namespace's tier under the dir that refuses writes (or reads)
  ctx.warn(`cache-tier:unwritable:${why.at}:${why.code}`, read
    ? `the ${kind} cache tier cannot be read: cannot read ${dir}: ${why.reason}; the command goes on without it (point cache.dir or XDG_CACHE_HOME at a dir this user can read and write, or turn the cache off: UNPERF_CACHE=0)`
    : `the ${kind} cache tier cannot be written: cannot write to ${dir}: ${why.reason}; the command goes on without it (${FIX_CACHE})`)
}

/**
 * The fs tier of `dir` skipped a write on a full disk (`detail`: its DiskFullError's message): one
 * warning for every namespace under the cache dir, and for the report too when its dir is on the
 * same disk (it is written at exit, and would warn again).
 */
export function warnCacheDiskFull(ctx: RuntimeContext, dir: string, detail: string): void {
  const cacheDir = ctx.config.cache.dir
  const shown = dir.startsWith(cacheDir + sep) ? cacheDir : dir
  const reportDir = ctx.config.report.dir
  if (sameDisk(dir, reportDir)) {
    ctx.warn(diskFullCode(reportDir), `${detail}; the report (${reportDir}) is on the same full disk: the command goes on, cache writes there are skipped while the disk stays full, `
      + `and the report and run history may not be written (free space on it, lower cache.maxSize, or point XDG_CACHE_HOME, or cache.dir and report.dir, at another disk)`)
    return
  }
  ctx.warn(`cache-disk-full:${shown}`, `${detail}; the command goes on, cache writes there are skipped while the disk stays full `
    + '(free space on it, lower cache.maxSize, or point cache.dir or XDG_CACHE_HOME at another disk)')
}

/**
 * The exit's writes failed (report/finalize.ts): report.files claims only what was written, and the
 * failure is warned of (once per run: warnReportWriteFailed).
 */
export function reportWriteFailed(report: PerfReport, written: NonNullable<PerfReport['files']>, ctx: RuntimeContext, error: unknown): void {
  if (written.report || written.history) report.files = written
  else delete report.files
  // a read-only file system, one that takes no new dirs (/sys, /proc) or a dir not ours: said as such
  warnReportWriteFailed(ctx, error)
}

/** What a reader of an unsafe report dir says (`unsafe`: report/finalize.ts reportDirUnsafe's answer; the CLI's too). */
export function unsafeReadMessage(unsafe: string): string {
  return `not reading the report dir ${unsafe}, so someone else could have written what is in it; fix it (chown/chmod 700) or set report.dir`
}

/** The report could not be written: why, when its dir refuses writes (a read-only fs: Node's mkdir says ENOENT), else the error. */
export function warnReportWriteFailed(ctx: RuntimeContext, error: unknown): void {
  const dir = ctx.config.report.dir
  const errno = (error as { code?: unknown } | null)?.code
  if (errno === 'ENOSPC' || errno === 'EDQUOT') {
    // the cache's dir on the same full disk: one warning for both, whichever said it first (above)
    const cacheDir = ctx.config.cache.dir
    if (sameDisk(cacheDir, dir)) {
      ctx.warn(diskFullCode(dir), `disk full: the report could not be written to ${dir} (${errorMessage(error)}); the cache (${cacheDir}) is on the same full disk: its writes there are skipped while it stays full `
        + '(free space on it, or point XDG_CACHE_HOME, or cache.dir and report.dir, at another disk)')
      return
    }
  }
  const why = whyUnwritable(dir, error)
  if (why) ctx.warn(reportCode(dir, why), `the report and run history are not written: cannot write to ${dir}: ${why.reason} (${FIX_REPORT})`)
  else ctx.warn('report-write', `the report could not be written to ${dir}: ${errorMessage(error)}`)
}

/** The report's warning code: the cache's joint warning takes it, so the report says nothing more. */
function reportCode(reportDir: string, why: Unwritable): string {
  return `report-unwritable:${why.code}:${reportDir}`
}

/** The code of a full disk's warning that names the cache and the report (warnCacheDiskFull, warnReportWriteFailed). */
const diskFullCode = (reportDir: string): string => `disk-full:${reportDir}`

/** Whether two paths (or their nearest existing dirs) are on one file system; false when either cannot be found. */
function sameDisk(a: string, b: string): boolean {
  const device = (path: string): number | undefined => {
    for (let at = path; ; at = dirname(at)) {
      try {
        return statSync(at).dev
      } catch {
        if (dirname(at) === at) return undefined
      }
    }
  }
  const da = device(a)
  return da !== undefined && da === device(b)
}
