/**
 * The records behind file-hash.ts's fast path: a file's size, mtime, ctime, inode and sha256, and
 * the combined hashes computed, held per process and, so that the next process of the CLI skips
 * the reads too, in one small JSON file per project under the platform cache dir
 * (`unperf/file-hash-v1/<hash of cwd>.json`, written atomically, 0600, never into a dir someone
 * else can write to). `UNPERF_FILE_HASH_MEMO=0|<dir>` or `setFileHashMemoDir()` disable or move
 * it. A damaged memo file is ignored.
 */
import * as fs from 'node:fs'
import * as fsp from 'node:fs/promises'
import { dirname, join, resolve, sep } from 'node:path'
import { platformCacheDir, shortHash } from '../project.js'
import { READ_NO_FOLLOW, removeLeftoverTempFiles, writeFileAtomicSync } from '../write-file-atomic.js'
import { makeDirSync } from '../make-dir.js'
import { renameOver } from '../../drivers/_fs-calls.js'
import { dirUnsafeSync, isOwnPrivateFile } from '../../drivers/fs-safety.js'

/** [size, mtimeMs, ctimeMs, ino, recordedAt, sha256] */
export type FileRecord = [number, number, number, number, number, string]

const RACY_MS = 2000
const MAX_RECORDS = 5000

export const memo = new Map<string, FileRecord>()
/** `<cwd>\0<combined input>` → its sha256 (recent ones; kept in the memo file too) */
export const combinedMemo = new Map<string, string>()
export const MAX_COMBINED = 64
const loadedMemoFiles = new Set<string>()
let memoDirOverride: string | false | undefined

/** Counters of the file hashing and its memo (tests check the fast path with them, not with timings). */
export const fileHashStats = { hashed: 0, memoLoads: 0, memoWrites: 0 }

/** Where the cross-process stat memo lives (`false` = per-process memo only). */
export function setFileHashMemoDir(dir: string | false | undefined): void {
  memoDirOverride = dir
}

/** Forget the per-process memo (tests; a long-running process that wants fresh reads). */
export function clearFileHashMemo(): void {
  memo.clear()
  combinedMemo.clear()
  outsideFiles.clear()
  loadedMemoFiles.clear()
}

/** The memo file of the project at cwd, none when the memo is off. */
export function memoFile(cwd: string): string | undefined {
  let dir: string | false | undefined = memoDirOverride
  if (dir === undefined) {
    const env = process.env.UNPERF_FILE_HASH_MEMO
    if (env === '0' || env === 'false') dir = false
    else dir = env || join(platformCacheDir('unperf'), 'file-hash-v1')
  }
  return dir === false ? undefined : join(dir, `${shortHash(resolve(cwd))}.json`)
}

export function toRecord(st: fs.Stats, hash: string, recordedAt: number): FileRecord {
  return [st.size, st.mtimeMs, st.ctimeMs, st.ino, recordedAt, hash]
}

/** A record still describes the file: same signature, and recorded over RACY_MS after its last change. */
export function trusted(rec: FileRecord | undefined, st: fs.Stats): rec is FileRecord {
  return rec !== undefined && rec[0] === st.size && rec[1] === st.mtimeMs && rec[2] === st.ctimeMs && rec[3] === st.ino
    && rec[4] - st.mtimeMs > RACY_MS && rec[4] - st.ctimeMs > RACY_MS
}

const SHA256_HEX = /^[0-9a-f]{64}$/

function parseMemo(text: string, cwd: string, into: Map<string, FileRecord>): void {
  try {
    const data = JSON.parse(text) as { v?: number; files?: Record<string, unknown>; combined?: Record<string, unknown> }
    if (data?.v !== 1 || typeof data.files !== 'object' || data.files === null) return
    for (const [file, rec] of Object.entries(data.files)) {
      if (Array.isArray(rec) && rec.length === 6 && rec.slice(0, 5).every(n => typeof n === 'number') && typeof rec[5] === 'string'
        && SHA256_HEX.test(rec[5]) && !into.has(file)) into.set(file, rec as FileRecord)
    }
    if (typeof data.combined === 'object' && data.combined !== null) {
      for (const [input, digest] of Object.entries(data.combined)) {
        const key = `${cwd}\0${input}`
        if (typeof digest === 'string' && SHA256_HEX.test(digest) && !combinedMemo.has(key)) combinedMemo.set(key, digest)
      }
    }
  } catch {
    // a damaged memo is only a lost fast path
  }
}

/** Files outside cwd that were hashed for it (`files: ['../package-lock.json']`): its memo keeps them too. */
const outsideFiles = new Map<string, Set<string>>()

/** The records of files under cwd or hashed for it (those the memo file of this project holds), newest first, capped. */
function serializeMemo(cwd: string): string {
  const prefix = cwd.endsWith(sep) ? cwd : cwd + sep
  const outside = outsideFiles.get(cwd)
  const mine = [...memo].filter(([f]) => f.startsWith(prefix) || outside?.has(f)).sort((a, b) => b[1][4] - a[1][4]).slice(0, MAX_RECORDS)
  const tag = `${cwd}\0`
  // the Map keeps insertion order and combine() re-inserts what it uses: the newest are last
  const combined = [...combinedMemo].filter(([k]) => k.startsWith(tag)).slice(-MAX_COMBINED).map(([k, d]) => [k.slice(tag.length), d])
  return JSON.stringify({ v: 1, files: Object.fromEntries(mine), combined: Object.fromEntries(combined) })
}

/** writeFileAtomicSync's form of name (`<file>.<pid>.<tag>.<n>.tmp`): removeLeftoverTempFiles knows it. */
function tempName(file: string): string {
  return `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.0.tmp`
}

/**
 * A memo file's text when it is a regular file of ours that no one else can write (not through a
 * symlink), else undefined. The fstat readFileSync makes anyway: a memo someone else wrote (their
 * file in a dir they can write to) could pin a lockfile's hash to an old one, keeping a stale scope
 * (or a file budget's size to a passing one: report/file-size-memo.ts): not trusted.
 */
export function readMemoFileSync(file: string): string | undefined {
  try {
    const fd = fs.openSync(file, READ_NO_FOLLOW)
    try { const st = fs.fstatSync(fd); if (st.isFile() && isOwnPrivateFile(st)) return fs.readFileSync(fd, 'utf8') } finally { fs.closeSync(fd) }
  } catch { /* none yet */ }
  return undefined
}

export function loadMemoSync(file: string | undefined, cwd: string): void {
  if (!file || loadedMemoFiles.has(file)) return
  loadedMemoFiles.add(file)
  const text = readMemoFileSync(file)
  if (text !== undefined) { fileHashStats.memoLoads++; parseMemo(text, cwd, memo) }
}

export async function saveMemo(file: string | undefined, cwd: string): Promise<void> {
  if (!file) return
  const tmp = tempName(file)
  try {
    // not into a dir someone else can write to (a stat, on the rare runs whose inputs changed); the
    // memo dir not even made in a cache dir refused (a link planted there leads into a dir of ours)
    if (dirUnsafeSync([dirname(dirname(file))])) return
    makeDirSync(dirname(file), 0o700)
    if (memoDirUnsafe(dirname(file))) return
    // wx: a new file of ours, never through a symlink planted under the temp name
    await fsp.writeFile(tmp, serializeMemo(cwd), { mode: 0o600, flag: 'wx' })
    await renameOver(tmp, file)
    fileHashStats.memoWrites++
    // a memo write killed before its rename (SIGKILL, a CI timeout) left its temp file for good
    removeLeftoverTempFiles(dirname(file))
  } catch {
    await fsp.rm(tmp, { force: true }).catch(() => {})
  }
}

/**
 * The memo's dir (`<cache dir>/file-hash`, made by unperf) is a symlink, or it or its parent (the
 * cache dir) is someone else's or open to group/others: one who owns the cache dir can swap the
 * memo dir for a link to any dir of ours, and the memo would be written there.
 */
function memoDirUnsafe(dir: string): boolean {
  try { if (fs.lstatSync(dir).isSymbolicLink()) return true } catch { return true }
  return dirUnsafeSync([dir, dirname(dir)]) !== undefined
}

export function saveMemoSync(file: string | undefined, cwd: string): void {
  if (file && writeMemoFileSync(file, () => serializeMemo(cwd))) fileHashStats.memoWrites++
}

/**
 * Writes a memo file (0600, atomically, in a 0700 dir of ours under the cache dir; nothing written
 * into a dir someone else can write to): false when it could not be (then computed again next time).
 * `text` is called once the dir is known to be safe.
 */
export function writeMemoFileSync(file: string, text: () => string): boolean {
  try {
    if (dirUnsafeSync([dirname(dirname(file))])) return false
    makeDirSync(dirname(file), 0o700)
    if (memoDirUnsafe(dirname(file))) return false
    writeFileAtomicSync(file, text(), { private: true })
    removeLeftoverTempFiles(dirname(file))
    return true
  } catch { return false /* unwritable: computed again next time */ }
}

/** Files hashed for cwd that are outside it: its memo file keeps their records too (serializeMemo). */
export function noteOutside(cwd: string, files: string[]): void {
  const prefix = cwd.endsWith(sep) ? cwd : cwd + sep
  for (const f of files) {
    if (f.startsWith(prefix)) continue
    let set = outsideFiles.get(cwd)
    if (!set) outsideFiles.set(cwd, (set = new Set()))
    set.add(f)
  }
}

