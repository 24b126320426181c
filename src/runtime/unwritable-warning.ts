/**
 * What a run says when its cache or report dir cannot be written (fs-unwritable.ts): the dir, why
 * (a read-only file system, no permission) and what to do, instead of Node's `ENOENT … mkdir`. On a
 * read-only file system that holds both (a container's read-only root, a read-only home), or under
 * the same dir not ours, one warning for both: the cache's (it fails first, the report is written
 * at exit), under the report's code, so the report's own is not said again.
 *
 * Error paths only: a deferred module (scripts/build.mjs DEFERRED), out of the start script.
 */
import { sep } from 'node:path'
import { whyUnwritable, type Unwritable } from '../drivers/fs-unwritable.js'
import { errorMessage } from '../errors.js'
import type { RuntimeContext } from './_internal.js'

const FIX_CACHE = 'point cache.dir or XDG_CACHE_HOME at a writable dir, or turn the cache off: UNPERF_CACHE=0'
const FIX_REPORT = 'point report.dir, or XDG_CACHE_HOME for the default one, at a writable dir'

/** The cache tier of `dir` cannot be written (`why`: the cause its explain() found). */
export function warnCacheUnwritable(ctx: RuntimeContext, kind: string, dir: string, why: Unwritable): void {
  const reportDir = ctx.config.report.dir
  // as the cache's write failed (a dir that takes no new dirs, /sys, is told by the failure alone)
  const report = whyUnwritable(reportDir, { code: why.code })
  // the report will fail for the same reason: a read-only file system, or the same dir not ours
  if (report && report.code === why.code && (why.code === 'EROFS' || report.at === why.at)) {
    // the cache dir rather than a namespace's under it (`…/s_1.0.0_<project>_<hash>/n-default`)
    const cacheDir = ctx.config.cache.dir
    const shown = dir.startsWith(cacheDir + sep) ? cacheDir : dir
    ctx.warn(reportCode(reportDir, why), `${why.reason}: the ${kind} cache (${shown}) and the report (${reportDir}) cannot be written; `
      + `the command goes on without them (point XDG_CACHE_HOME, or cache.dir and report.dir, at a writable dir; UNPERF_CACHE=0 turns the cache off)`)
    return
  }
  // one warning for every namespace's tier under the dir that refuses writes
  ctx.warn(`cache-tier:unwritable:${why.at}:${why.code}`, `the ${kind} cache tier cannot be written: cannot write to ${dir}: ${why.reason}; the command goes on without it (${FIX_CACHE})`)
}

/** The report could not be written: why, when its dir refuses writes (a read-only fs: Node's mkdir says ENOENT), else the error. */
export function warnReportWriteFailed(ctx: RuntimeContext, error: unknown): void {
  const dir = ctx.config.report.dir
  const why = whyUnwritable(dir, error)
  if (why) ctx.warn(reportCode(dir, why), `the report and run history are not written: cannot write to ${dir}: ${why.reason} (${FIX_REPORT})`)
  else ctx.warn('report-write', `the report could not be written to ${dir}: ${errorMessage(error)}`)
}

/** The report's warning code: the cache's joint warning takes it, so the report says nothing more. */
function reportCode(reportDir: string, why: Unwritable): string {
  return `report-unwritable:${why.code}:${reportDir}`
}
