/**
 * history-summary.bin made anew from history.jsonl's newest lines (history-summary.ts), each parsed
 * by the rule of every reader (parseRun): when the summary cannot be extended by the run appended
 * (none yet, another file's, a rewrite to the cap, a line appended without the lock). A deferred
 * module (scripts/build.mjs): off the start path, which extends the summary it read.
 */
import { closeSync, fstatSync, openSync } from 'node:fs'
import { readAt } from '../read-at.js'
import { READ_NO_FOLLOW } from '../write-file-atomic.js'
import type { HistoryEntry } from './history.js'
import { parseRun } from './history-read.js'
import { linesOf } from './history-tail.js'
import { COMMAND_BYTES, HEADER_BYTES, RUN_BYTES, type HistoryStat } from './history-summary.js'
import { writeCommand, writeHeader, writeName, writeRun } from './history-summary-write.js'

/** The most of the history's tail a rebuild reads (lines of up to ≈ 8 kB each for 1009 lines). */
const MAX_BUILD_BYTES = 8 * 1024 * 1024

/**
 * The summary of the history file `file` from its newest `keep` lines (parsed: parseRun, the rule
 * of every reader), or undefined when it ends in a line cut short (its next append ends it: the
 * summary is made then) or is no regular file.
 */
export function buildSummary(file: string, keep: number): Buffer | undefined {
  const fd = openSync(file, READ_NO_FOLLOW)
  try {
    const st = fstatSync(fd)
    if (!st.isFile()) return undefined
    const size = st.size
    let want = Math.min(size, Math.max(16_384, keep * 512))
    for (;;) {
      const start = size - want
      const tail = Buffer.allocUnsafe(want)
      if (readAt(fd, tail, start) < want) return undefined // cut short meanwhile
      if (size > 0 && tail[size - start - 1] !== 10) return undefined
      // line starts from the newest back (the line the tail begins inside of is not one)
      const starts: number[] = []
      let end = tail.length
      while (end > 0 && starts.length < keep) {
        const at = end >= 2 ? tail.lastIndexOf(10, end - 2) + 1 : 0
        if (at === 0 && start > 0) break
        starts.push(at)
        end = at
      }
      if (starts.length < keep && start > 0 && want < Math.min(size, MAX_BUILD_BYTES)) { want = Math.min(size, want * 4, MAX_BUILD_BYTES); continue }
      // counted as the tail's read counts them (the line the tail begins inside of is not counted)
      const lines = linesOf(start === 0 ? tail : tail.subarray(tail.indexOf(10) + 1), start, size)
      return encodeSummary(st, tail, starts, lines, start === 0 && end === 0)
    }
  } finally {
    closeSync(fd)
  }
}

/** The summary of the lines starting at `starts` (newest first) in `tail`, for the history `st`. */
function encodeSummary(st: HistoryStat, tail: Buffer, starts: number[], lines: number, whole: boolean): Buffer | undefined {
  const entries: (HistoryEntry | undefined)[] = []
  const names: string[] = []
  let commandCount = 0
  let nameBytes = 0
  for (let i = starts.length - 1; i >= 0; i--) {
    const at = starts[i]!
    const end = i > 0 ? starts[i - 1]! : tail.length
    const entry = parseRun(tail.toString('utf8', at, end - 1))
    // a run of more commands than a record counts: never judged from the summary (history-summary.ts RUN_OPAQUE)
    entries.push(entry && entry.commands.length > 0xffff ? { ...entry, time: '', commands: [] } : entry)
    if (!entry || entry.commands.length > 0xffff) continue
    commandCount += entry.commands.length
    for (const c of entry.commands) {
      if (names.includes(c.name)) continue
      names.push(c.name)
      nameBytes += 2 + Buffer.byteLength(c.name)
    }
  }
  if (names.length > 0xffff) return undefined
  const out = Buffer.allocUnsafe(HEADER_BYTES + entries.length * RUN_BYTES + commandCount * COMMAND_BYTES + nameBytes)
  const o = new DataView(out.buffer, out.byteOffset, out.length)
  let c = HEADER_BYTES + entries.length * RUN_BYTES
  let first = 0
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i]
    writeRun(o, HEADER_BYTES + i * RUN_BYTES, entry, first)
    if (!entry) continue
    for (const command of entry.commands) {
      writeCommand(o, c, command.duration, names.indexOf(command.name), command.status === 'ok')
      c += COMMAND_BYTES
    }
    first += entry.commands.length
  }
  for (const name of names) c = writeName(out, o, c, name)
  writeHeader(o, st, lines, whole, entries.length, commandCount, names.length, nameBytes)
  return out
}
