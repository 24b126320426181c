/**
 * The compressed sizes of the files `budgets.files` measured, so that a run (and `unperf budget`)
 * compresses only the files that changed: brotli at quality 11 took 1.4–1.7 s per CLI run for one
 * 740 kB bundle. One small JSON file per project under the platform cache dir
 * (`unperf/file-size-v1/<hash of cwd>.json`), read and written as file-hash-memo.ts's (0600 in a
 * 0700 dir of ours, not through a symlink, never a file someone else could have written).
 *
 * A size is reused while the file's device, inode, size, mtime and ctime (nanoseconds) are those it
 * was recorded with, and only when they were over 2 s older than the recording (file-hash.ts's
 * "racy" rule: an edit in the same timestamp tick keeps them). The zlib and brotli versions are
 * part of the memo: another Node may compress to other sizes. A damaged memo is a miss; two
 * processes writing at once each keep what the file held when they wrote, plus their own sizes.
 */
import type { BigIntStats } from 'node:fs'
import { join, resolve } from 'node:path'
import { platformCacheDir, shortHash } from '../project.js'
import { readMemoFileSync, writeMemoFileSync } from '../cache/file-hash-memo.js'

export type Compression = 'gzip' | 'brotli'

/** [signature, recordedAt (ms), gzip size, brotli size]: a size not measured yet is null. */
type SizeRecord = [string, number, number | null, number | null]

const RACY_MS = 2000
const MAX_RECORDS = 5000

export interface FileSizeMemo {
  /** The recorded size of `file` as it is now (`st`), or undefined: compress it. */
  get(file: string, st: BigIntStats, compression: Compression): number | undefined
  set(file: string, st: BigIntStats, compression: Compression, size: number, recordedAt: number): void
  /** Writes the memo when a size was measured (a run that reused every size writes nothing). */
  save(): void
}

/** The memo of the project at cwd (read once here). */
export function loadFileSizeMemo(cwd: string): FileSizeMemo {
  const file = join(platformCacheDir('unperf'), 'file-size-v1', `${shortHash(resolve(cwd))}.json`)
  const records = read(file)
  const fresh = new Map<string, SizeRecord>()
  return {
    get(path, st, compression) {
      const rec = fresh.get(path) ?? records.get(path)
      return trusted(rec, st) ? rec[compression === 'gzip' ? 2 : 3] ?? undefined : undefined
    },
    set(path, st, compression, size, recordedAt) {
      const sig = signature(st)
      const mine = fresh.get(path)
      const old = records.get(path)
      // the other compression's size stays when it was measured of the same content: by this process
      // (recorded as of the earlier measurement), or a trusted record (a budget of each compression)
      const rec: SizeRecord = mine !== undefined && mine[0] === sig ? [sig, Math.min(mine[1], recordedAt), mine[2], mine[3]]
        : mine === undefined && trusted(old, st) ? [sig, old[1], old[2], old[3]] : [sig, recordedAt, null, null]
      rec[compression === 'gzip' ? 2 : 3] = size
      fresh.set(path, rec)
    },
    save() {
      if (fresh.size === 0) return
      writeMemoFileSync(file, () => {
        // what another process wrote since this one read the memo, under this run's sizes
        const merged = new Map([...read(file), ...fresh])
        const kept = [...merged].sort((a, b) => b[1][1] - a[1][1]).slice(0, MAX_RECORDS)
        return JSON.stringify({ v: 1, zlib: process.versions.zlib, brotli: process.versions.brotli, files: Object.fromEntries(kept) })
      })
    },
  }
}

/** A record of the file as it is now, made over 2 s after its last change (else an edit in the same tick could keep every field). */
function trusted(rec: SizeRecord | undefined, st: BigIntStats): rec is SizeRecord {
  return rec !== undefined && rec[0] === signature(st)
    && rec[1] - Number(st.mtimeNs / 1_000_000n) > RACY_MS && rec[1] - Number(st.ctimeNs / 1_000_000n) > RACY_MS
}

/** What identifies a file's content without reading it. */
function signature(st: BigIntStats): string {
  return `${st.dev}:${st.ino}:${st.size}:${st.mtimeNs}:${st.ctimeNs}`
}

const SIZE = (n: unknown) => n === null || (typeof n === 'number' && Number.isSafeInteger(n) && n >= 0)

function read(file: string): Map<string, SizeRecord> {
  const out = new Map<string, SizeRecord>()
  const text = readMemoFileSync(file)
  if (text === undefined) return out
  try {
    const data = JSON.parse(text) as { v?: unknown; zlib?: unknown; brotli?: unknown; files?: unknown }
    if (data?.v !== 1 || data.zlib !== process.versions.zlib || data.brotli !== process.versions.brotli) return out
    if (typeof data.files !== 'object' || data.files === null) return out
    for (const [path, rec] of Object.entries(data.files)) {
      if (Array.isArray(rec) && rec.length === 4 && typeof rec[0] === 'string' && typeof rec[1] === 'number' && SIZE(rec[2]) && SIZE(rec[3])) {
        out.set(path, rec as SizeRecord)
      }
    }
  } catch {
    // a damaged memo: every file compressed again (and the memo rewritten)
  }
  return out
}
