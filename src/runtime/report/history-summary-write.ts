/**
 * Keeps history-summary.bin (history-summary.ts) in step with history.jsonl: called by appendHistory
 * under the history's lock, once its line is appended. The summary read before (when it was made
 * from the very file the append found) gets the new run's record; any doubt (another file, a line
 * appended meanwhile by a process without the lock, a rewrite to the cap) rebuilds it from the
 * history's tail, which costs what the exit path's read of that tail cost before the summary.
 */
import { join } from 'node:path'
import { writeFileAtomicSync } from '../write-file-atomic.js'
import { isRun, type HistoryEntry } from './history.js'
import {
  COMMAND_BYTES, H, HEADER_BYTES, MAX_SUMMARY_RUNS, R, RUN_BYTES, TIME_BYTES, RUN_OPAQUE, RUN_VALID, SUMMARY_FILE, SUMMARY_MAGIC, SUMMARY_VERSION,
  readSummary, type HistoryStat, type Summary,
} from './history-summary.js'
import { buildSummary } from './history-summary-build.js'


/** What appendHistory saw around its append (fstat before and after, under the lock). */
export interface AppendSeen {
  /** the summary the exit path read (made from the file as `before` was), if any */
  base?: Summary
  before: HistoryStat
  after: HistoryStat
  /** bytes this append wrote */
  bytes: number
  /** newline-terminated lines of the file after the append, when appendHistory counted them */
  lines?: number
  /** the file was rewritten to the cap after the append */
  rewritten: boolean
}

/**
 * Writes the summary of `file` (history.jsonl in `dir`) after an append. Never throws: a summary
 * not written is rebuilt by a later run (the exit path reads the history's tail meanwhile).
 */
export function updateSummary(dir: string, file: string, cap: number, entry: HistoryEntry, seen: AppendSeen): void {
  if (cap <= 0) return
  try {
    const keep = Math.min(cap + 9, MAX_SUMMARY_RUNS)
    const { base, before, after } = seen
    let buf: Buffer | undefined
    // the append added exactly this line to the file the summary was made from (the one read, when the file is still as it was then)
    if (!seen.rewritten && after.ino === before.ino && after.size === before.size + seen.bytes) {
      const summary = base && base.ino === before.ino && base.size === before.size && base.mtimeMs === before.mtimeMs ? base : readSummary(dir, before)
      // one that holds fewer lines than the window while the history has more (`history` raised): rebuilt
      if (summary && (summary.whole || summary.runs >= keep - 1)) buf = extendSummary(summary, entry, after, seen.lines ?? summary.lines + 1, keep)
    }
    buf ??= buildSummary(file, keep)
    // unlinked first: a reader in between finds none and reads the history's tail
    if (buf) writeFileAtomicSync(join(dir, SUMMARY_FILE), buf, { unlinkFirst: true })
  } catch { /* left as it was: it no longer matches the history, and is not read */ }
}

/**
 * `base` with `entry`'s record after its last (its oldest dropped past `keep` runs), for the history
 * `after`; undefined when the entry names a command the summary has no name for (rebuilt then, once
 * per new command). Copied in its bytes: this runs on every exit.
 */
function extendSummary(base: Summary, entry: HistoryEntry, after: HistoryStat, lines: number, keep: number): Buffer | undefined {
  const { buf, v, names } = base
  const commands = isRun(entry) ? entry.commands : undefined
  const count = commands?.length ?? 0
  for (let i = 0; i < count; i++) if (names.indexOf(commands![i]!.name) === -1) return undefined
  if (count > 0xffff) return undefined
  const drop = Math.max(0, base.runs + 1 - keep)
  const runs = base.runs - drop
  const dropCommands = drop === 0 ? 0 : drop < base.runs ? v.getUint32(HEADER_BYTES + drop * RUN_BYTES + R.first, true) : base.commands
  const kept = base.commands - dropCommands
  const commandsAt = HEADER_BYTES + (runs + 1) * RUN_BYTES
  const out = Buffer.allocUnsafe(commandsAt + (kept + count) * COMMAND_BYTES + buf.length - base.namesAt)
  const o = new DataView(out.buffer, out.byteOffset, out.length)
  // the runs kept, their first command moved down by the commands dropped; their commands; the names
  buf.copy(out, HEADER_BYTES, HEADER_BYTES + drop * RUN_BYTES, base.commandsAt)
  if (dropCommands > 0) for (let r = HEADER_BYTES + R.first; r < commandsAt - RUN_BYTES; r += RUN_BYTES) o.setUint32(r, o.getUint32(r, true) - dropCommands, true)
  buf.copy(out, commandsAt, base.commandsAt + dropCommands * COMMAND_BYTES, base.namesAt)
  buf.copy(out, commandsAt + (kept + count) * COMMAND_BYTES, base.namesAt)
  writeRun(o, commandsAt - RUN_BYTES, commands && entry, kept)
  for (let i = 0, c = commandsAt + kept * COMMAND_BYTES; i < count; i++, c += COMMAND_BYTES) {
    const command = commands![i]!
    writeCommand(o, c, command.duration, names.indexOf(command.name), command.status === 'ok')
  }
  writeHeader(o, after, lines, base.whole && drop === 0, runs + 1, kept + count, names.length, buf.length - base.namesAt)
  return out
}

/** A run's record at `at`: `entry` a run (isRun), undefined for a line that is none; its commands from `first` on. */
export function writeRun(o: DataView, at: number, entry: HistoryEntry | undefined, first: number): void {
  // a time of other than 24 ASCII characters compares unlike its string: never judged from the summary
  const time = entry?.time ?? ''
  const opaque = time.length !== TIME_BYTES || Buffer.byteLength(time) !== TIME_BYTES
  for (let i = 0; i < TIME_BYTES; i++) o.setUint8(at + R.time + i, opaque ? 32 : time.charCodeAt(i))
  o.setFloat64(at + R.pid, typeof entry?.pid === 'number' ? entry.pid : Number.NaN, true)
  o.setUint32(at + R.first, first, true)
  o.setUint16(at + R.count, entry ? entry.commands.length : 0, true)
  o.setUint16(at + R.flags, entry ? RUN_VALID | (opaque ? RUN_OPAQUE : 0) : 0, true)
}

export function writeCommand(o: DataView, at: number, duration: number, name: number, ok: boolean): void {
  o.setFloat64(at, duration, true)
  o.setUint16(at + 8, name, true)
  o.setUint16(at + 10, ok ? 1 : 0, true)
}

export function writeName(out: Buffer, o: DataView, at: number, name: string): number {
  const n = out.write(name, at + 2, 'utf8')
  o.setUint16(at, n, true)
  return at + 2 + n
}

export function writeHeader(o: DataView, st: HistoryStat, lines: number, whole: boolean, runs: number, commands: number, names: number, nameBytes: number): void {
  o.setUint32(H.magic, SUMMARY_MAGIC, true)
  o.setUint32(H.version, SUMMARY_VERSION, true)
  o.setFloat64(H.ino, st.ino, true)
  o.setFloat64(H.size, st.size, true)
  o.setFloat64(H.mtimeMs, st.mtimeMs, true)
  o.setFloat64(H.lines, lines, true)
  o.setFloat64(H.whole, whole ? 1 : 0, true)
  o.setUint32(H.runs, runs, true)
  o.setUint32(H.commands, commands, true)
  o.setUint32(H.names, names, true)
  o.setUint32(H.nameBytes, nameBytes, true)
}
