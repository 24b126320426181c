/**
 * The finished runs of a process's commands: the newest records for the report (a service timing
 * every operation must not grow without bound: trimmed in batches to COMMAND_RECORDS_KEPT), and
 * totals of every run per command name for the metrics and budgets, with at most MAX_COMMAND_NAMES
 * names of their own (a name per request would grow them without bound).
 */
import type { WarnOnce } from './_internal.js'
import { COMMAND_RECORDS_KEPT, MAX_COMMAND_NAMES, OVERFLOW_COMMAND, recordCommandTotals, type CommandTotals } from './metrics/command-totals.js'
import type { CommandRecord } from './types.js'

export class CommandLog {
  /** Every run, per command name (OVERFLOW_COMMAND, '', past MAX_COMMAND_NAMES). */
  readonly totals = new Map<string, CommandTotals>()
  private readonly _records: CommandRecord[] = []
  private _dropped = 0

  /** `keepsName`: a name that keeps its own totals past the limit (one with a budget). */
  constructor(private readonly _keepsName: (name: string) => boolean, private readonly _warn: WarnOnce) {}

  add(record: CommandRecord): void {
    this._records.push(record)
    if (this._records.length >= 2 * COMMAND_RECORDS_KEPT) {
      this._dropped += this._records.length - COMMAND_RECORDS_KEPT
      this._records.splice(0, this._records.length - COMMAND_RECORDS_KEPT)
    }
    recordCommandTotals(this.totals, this._totalsName(record.name), record.status, record.duration, record.memoryPeak)
  }

  /** The newest COMMAND_RECORDS_KEPT records, and how many older ones were left out. */
  kept(): { commands: CommandRecord[]; dropped: number } {
    const records = this._records
    return records.length > COMMAND_RECORDS_KEPT
      ? { commands: records.slice(-COMMAND_RECORDS_KEPT), dropped: this._dropped + records.length - COMMAND_RECORDS_KEPT }
      : { commands: records, dropped: this._dropped }
  }

  /** The command's name in the totals (the metrics' `command` label): OVERFLOW_COMMAND past MAX_COMMAND_NAMES. */
  private _totalsName(name: string): string {
    const totals = this.totals
    if (totals.size < MAX_COMMAND_NAMES || totals.has(name) || this._keepsName(name)) return name
    this._warn('command-names', `perf.run(): more than ${MAX_COMMAND_NAMES} distinct command names (the latest: '${name}'); new ones count together in the metrics' series labelled overflow="true" (no command label). A name per request (an id in it) grows them without bound: name commands by route or kind ('GET /users/:id')`)
    return OVERFLOW_COMMAND
  }
}
