/**
 * A long-running process's per-command stats for its report (report.commandStats, commandStatsOverflow):
 * made at exit only when its report's records miss older runs (command-totals.ts keeps the totals).
 * A deferred module (scripts/build.mjs): a CLI's run never gets there.
 */
import type { CommandStats } from '../types.js'
import { COMMAND_RECORDS_KEPT, OVERFLOW_COMMAND, type CommandTotals } from './command-totals.js'

/** What the budgets of each command are judged on when the report's records miss older runs (the overflow left out). */
export function commandStats(totals: ReadonlyMap<string, CommandTotals>): Record<string, CommandStats> {
  const out: Record<string, CommandStats> = Object.create(null) as Record<string, CommandStats>
  for (const [name, t] of totals) if (name !== OVERFLOW_COMMAND) out[name] = statsOf(t)
  return out
}

/** The runs counted past MAX_COMMAND_NAMES, together; undefined when there were none. */
export function overflowStats(totals: ReadonlyMap<string, CommandTotals>): CommandStats | undefined {
  const t = totals.get(OVERFLOW_COMMAND)
  return t && statsOf(t)
}

function statsOf(t: CommandTotals): CommandStats {
  let runs = 0
  for (const n of t.byStatus.values()) runs += n
  return { runs, errors: t.byStatus.get('error') ?? 0, maxDuration: t.maxDuration, maxMemoryPeak: t.maxMemoryPeak, okDurations: t.okDurations.slice(-COMMAND_RECORDS_KEPT) }
}
