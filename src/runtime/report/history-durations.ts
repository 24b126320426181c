/**
 * A command's successful durations in the runs before a report, from the history's runs (budgets.ts
 * priorOkDurations): `unperf budget` and `unperf report`, a history merged with a shared one, and the
 * exit's fallback to the history's tail when history-summary.bin cannot stand for it. A deferred
 * module (scripts/build.mjs): the exit judges a run by the summary's prior durations.
 */
import type { HistoryEntry } from './history.js'
import type { RunEnd } from './budgets.js'

// The exit path runs these once, in code that never warms up: no closures, iterators or spreads
// per run (see budgets.ts).

/** The successful durations of `command` in the runs of `history` that ended before `report`, oldest first. */
export function okDurationsBefore(report: RunEnd, history: HistoryEntry[], command: string): number[] {
  return okDurations(runsBefore(report, history), command)
}

/** Durations of the successful runs of `command` in history, oldest first. */
function okDurations(history: HistoryEntry[], command: string): number[] {
  const out: number[] = []
  for (let i = 0; i < history.length; i++) {
    const commands = history[i]!.commands
    for (let j = 0; j < commands.length; j++) {
      const c = commands[j]!
      if (c.name === command && c.status === 'ok') out.push(c.duration)
    }
  }
  return out
}

/**
 * The runs that ended before this one: what the run itself judged against. Re-judging a report
 * already appended (`unperf budget`) leaves out its own line, and the runs that ended after it:
 * with a shared historyDriver other machines keep adding runs, and a CI gate run after the build
 * must judge what the build judged, not a slow run another machine made meanwhile.
 */
function runsBefore(report: RunEnd, history: HistoryEntry[]): HistoryEntry[] {
  const out: HistoryEntry[] = []
  for (let i = 0; i < history.length; i++) {
    const h = history[i]!
    if (h.time < report.endedAt || (h.time === report.endedAt && h.pid !== report.pid)) out.push(h)
  }
  return out
}
