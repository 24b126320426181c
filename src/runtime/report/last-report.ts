/**
 * The last run's report.json, read back by `unperf budget` and `unperf report` (they check
 * reportDirUnsafe first). A file that cannot be judged is told apart from no run: cut short (a full
 * disk, a crash mid-write), not JSON, another schemaVersion (a newer or older unperf wrote it: two
 * copies, the CLI's own and a global one), or a field budgets and the page read missing or of the
 * wrong type. Those failed as `Cannot read properties of undefined (reading 'hits')`.
 */
import { join } from 'node:path'
import type { ResolvedPerfConfig } from '../../config/types.js'
import { unperfVersion } from '../../config/snapshot.js'
import { errorMessage } from '../../errors.js'
import type { PerfReport } from '../types.js'
import { readRegularFileSync } from '../read-regular-file.js'

/** The last report written in report.dir, undefined when there is none or it cannot be read (readLastReportFile says why). */
export function readLastReport(config: ResolvedPerfConfig): PerfReport | undefined {
  const last = readLastReportFile(config)
  return 'report' in last ? last.report : undefined
}

/** readLastReport, telling no report from one that cannot be read (and why): `unperf budget` says which. */
export function readLastReportFile(config: ResolvedPerfConfig): { report: PerfReport } | { missing: true } | { unreadable: string } {
  let text
  try {
    text = readRegularFileSync(join(config.report.dir, 'report.json'), 'utf8')
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT' ? { missing: true } : { unreadable: errorMessage(error) }
  }
  let report: unknown
  try {
    report = JSON.parse(text)
  } catch (error) {
    return { unreadable: errorMessage(error) }
  }
  const problem = reportProblem(report)
  return problem ? { unreadable: problem } : { report: report as PerfReport }
}

// --- internal ---

type Obj = Record<string, unknown>
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v)
const isNum = (v: unknown) => typeof v === 'number'

/** What makes `value` no report.json this unperf can judge (the fields budgets and `report --html` read), else undefined. */
export function reportProblem(value: unknown): string | undefined {
  if (!isObj(value)) return 'not a report'
  if (value.schemaVersion === undefined) return 'not a report: no schemaVersion'
  if (value.schemaVersion !== 1) {
    return `schemaVersion ${JSON.stringify(value.schemaVersion)}: this unperf (${unperfVersion()}) reads schemaVersion 1; another version of unperf wrote it (run the unperf the CLI depends on: npx unperf in its project)`
  }
  const fields: Array<[string, boolean]> = [
    ['endedAt: expected an ISO date string', typeof value.endedAt === 'string'],
    ['commands: expected an array of { name, status, duration, memoryPeak }', Array.isArray(value.commands) && value.commands.every(c => isObj(c) && typeof c.name === 'string' && typeof c.status === 'string' && isNum(c.duration) && isNum(c.memoryPeak))],
    ['startup: expected { total, phases }', isObj(value.startup) && isNum(value.startup.total) && Array.isArray(value.startup.phases)],
    ['memory: expected { peakRss }', isObj(value.memory) && isNum(value.memory.peakRss)],
    ['cache: expected { hits, misses, hitRate }', isObj(value.cache) && isNum(value.cache.hits) && isNum(value.cache.misses) && isNum(value.cache.hitRate)],
    ['budgets: expected an array of { budget, status, message }', Array.isArray(value.budgets) && value.budgets.every(b => isObj(b) && typeof b.budget === 'string' && typeof b.status === 'string' && typeof b.message === 'string')],
  ]
  const bad = fields.filter(([, ok]) => !ok).map(([what]) => what)
  return bad.length === 0 ? undefined : `not a report of this unperf: ${bad.join('; ')}`
}
