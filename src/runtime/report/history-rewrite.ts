/**
 * history.jsonl rewritten to its last `report.history` lines, once it holds half as many again
 * (history.ts appendHistory, under the lock): once every ~history/2 runs, so a deferred module
 * (scripts/build.mjs), off the start path.
 */
import { fstatSync, readSync } from 'node:fs'
import { APPEND_NO_FOLLOW, removeLeftoverTempFiles, writeFileAtomicSync, writeFileNoFollowSync } from '../write-file-atomic.js'
import { HISTORY_FILE } from './history.js'
import { lineJson } from './history-read.js'
import { SUMMARY_FILE } from './history-summary.js'

/**
 * Rewrites `file` (in `dir`) to its last `cap` lines. `fd` is open on the file that was read (`read`). A process that waited 5 s for the lock appends without it: a rewrite paused meanwhile (a
 * process stopped or starved between its read and its rename) renamed its copy, made before that
 * line, over the file, and the run was lost. Lines appended to the file read are carried over:
 * those there once the copy is made go into it, those appended up to the rename are appended to the
 * new file after it (read through `fd`, which still reads the replaced file).
 */
export function rewriteCapped(dir: string, file: string, fd: number, read: Buffer, cap: number): void {
  const size = read.length
  const text = read.toString('utf8')
  const more = appendedTo(fd, size)
  // a line of an earlier version is written plain (lineJson); one that is not a run's stays as it was, skipped on read
  const lines = (text + more.text).split('\n').filter(Boolean)
  writeFileAtomicSync(file, lines.slice(Math.max(0, lines.length - cap)).map(line => `${lineJson(line) ?? line}\n`).join(''))
  const late = appendedTo(fd, size + more.bytes)
  if (late.bytes > 0) writeFileNoFollowSync(file, late.text.endsWith('\n') ? late.text : `${late.text}\n`, APPEND_NO_FOLLOW)
  // the temp files of report.json, trace.json, the summary and this rewrite that killed processes
  // left: once every ~history/2 runs, so they stay few, and the exit path pays no readdir on other runs
  removeLeftoverTempFiles(dir, isReportFile)
}

/** The whole lines appended to the file open on `fd` past `offset` (a line still being written is left out). */
function appendedTo(fd: number, offset: number): { text: string; bytes: number } {
  const size = fstatSync(fd).size
  if (size <= offset) return { text: '', bytes: 0 }
  const buffer = Buffer.allocUnsafe(size - offset)
  let got = 0
  while (got < buffer.length) {
    const n = readSync(fd, buffer, got, buffer.length - got, offset + got)
    if (n === 0) break
    got += n
  }
  const end = buffer.lastIndexOf(10, got - 1) + 1
  return { text: buffer.toString('utf8', 0, end), bytes: end }
}

/** The files of report.dir written by writeFileAtomicSync. */
function isReportFile(name: string): boolean {
  return name === 'report.json' || name === 'trace.json' || name === HISTORY_FILE || name === SUMMARY_FILE
}
