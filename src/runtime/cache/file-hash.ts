/**
 * Content hash of the files matched by globs (relative to cwd), for `wrap({ files })`,
 * `cached({ files })` and `cache.invalidate.files`.
 *
 * - The hash covers the sorted list of matched paths (relative to cwd, so two checkouts of the
 *   same project agree) and each file's sha256; a missing file or an empty match is part of it,
 *   so adding, removing or renaming a file changes the hash.
 * - Fast path: a file whose size, mtime, ctime and inode are those recorded with its hash is not
 *   read again. A record is trusted only when the file's mtime and ctime were more than 2 s older
 *   than the moment the hash was recorded ("racy" files: an edit in the same timestamp tick, or
 *   one that restores the mtime like `cp -p` or tar, would otherwise go unseen; such edits also
 *   change the ctime, which is part of the signature).
 * - The records live in a per-process memo and, so that the next process of the CLI skips the
 *   reads too, in one small JSON file per project under the platform cache dir
 *   (`unperf/file-hash-v1/<hash of cwd>.json`, written atomically, 0600). Disable or move it with
 *   `UNPERF_FILE_HASH_MEMO=0|<dir>` or `setFileHashMemoDir()`. A damaged memo file is ignored.
 * - The memo also keeps the combined hashes it computed (input → sha256), so a warm run whose files
 *   are all unchanged hashes nothing and never loads node:crypto (~2–4 ms on a CLI's start).
 */
import { crypto } from '../_builtins.js'
import * as fs from 'node:fs'
import * as fsp from 'node:fs/promises'
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path'
import { platformCacheDir, shortHash } from '../project.js'
import { READ_NO_FOLLOW, removeLeftoverTempFiles, writeFileAtomicSync } from '../write-file-atomic.js'
import { makeDirSync } from '../make-dir.js'
import { renameOver } from '../../drivers/_fs-calls.js'
import { dirUnsafeSync, isOwnPrivateFile } from '../../drivers/fs-safety.js'
import { DIR, isGlob, namedDirsAsGlobs } from './file-hash-dirs.js'
import { tinyglobby } from '../_tinyglobby.js'

/** [size, mtimeMs, ctimeMs, ino, recordedAt, sha256] */
type FileRecord = [number, number, number, number, number, string]

const RACY_MS = 2000
const MAX_RECORDS = 5000
const CHUNK = 64
/** Up to this many named files (no globs), hashFiles works synchronously (the memo usually spares the reads). */
const SYNC_UP_TO = 8

const memo = new Map<string, FileRecord>()
/** `<cwd>\0<combined input>` → its sha256 (recent ones; kept in the memo file too) */
const combinedMemo = new Map<string, string>()
const MAX_COMBINED = 64
const loadedMemoFiles = new Set<string>()
let memoDirOverride: string | false | undefined

/** Counters of this module (tests check the fast path with them, not with timings). */
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

function memoFile(cwd: string): string | undefined {
  let dir: string | false | undefined = memoDirOverride
  if (dir === undefined) {
    const env = process.env.UNPERF_FILE_HASH_MEMO
    if (env === '0' || env === 'false') dir = false
    else dir = env || join(platformCacheDir('unperf'), 'file-hash-v1')
  }
  return dir === false ? undefined : join(dir, `${shortHash(resolve(cwd))}.json`)
}

function toRecord(st: fs.Stats, hash: string, recordedAt: number): FileRecord {
  return [st.size, st.mtimeMs, st.ctimeMs, st.ino, recordedAt, hash]
}

function trusted(rec: FileRecord | undefined, st: fs.Stats): rec is FileRecord {
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

function loadMemoSync(file: string | undefined, cwd: string): void {
  if (!file || loadedMemoFiles.has(file)) return
  loadedMemoFiles.add(file)
  let text: string | undefined
  try {
    // the fstat readFileSync makes anyway: a memo someone else wrote (their file in a dir they can
    // write to) could pin a lockfile's hash to an old one, keeping a stale scope: not trusted
    const fd = fs.openSync(file, READ_NO_FOLLOW)
    try { const st = fs.fstatSync(fd); if (st.isFile() && isOwnPrivateFile(st)) text = fs.readFileSync(fd, 'utf8') } finally { fs.closeSync(fd) }
  } catch { /* none yet */ }
  if (text !== undefined) { fileHashStats.memoLoads++; parseMemo(text, cwd, memo) }
}

async function saveMemo(file: string | undefined, cwd: string): Promise<void> {
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

function saveMemoSync(file: string | undefined, cwd: string): void {
  if (!file) return
  try {
    if (dirUnsafeSync([dirname(dirname(file))])) return
    makeDirSync(dirname(file), 0o700)
    if (memoDirUnsafe(dirname(file))) return
    writeFileAtomicSync(file, serializeMemo(cwd), { private: true })
    fileHashStats.memoWrites++
    removeLeftoverTempFiles(dirname(file))
  } catch { /* unwritable: hashed again next time */ }
}

function sha256(data: Buffer): string {
  fileHashStats.hashed++
  return crypto().createHash('sha256').update(data).digest('hex')
}

/** 'missing' | 'not-a-file' | DIR | sha256, and whether a new record was made. */
async function hashOne(file: string): Promise<[string, boolean]> {
  const st = await fsp.stat(file).catch(() => undefined)
  if (!st) return ['missing', false]
  if (!st.isFile()) return [st.isDirectory() ? DIR : 'not-a-file', false]
  const rec = memo.get(file)
  if (trusted(rec, st)) return [rec[5], false]
  const recordedAt = Date.now()
  const data = await fsp.readFile(file).catch(() => undefined)
  if (!data) return ['missing', false]
  const hash = sha256(data)
  memo.set(file, toRecord(st, hash, recordedAt))
  return [hash, true]
}

function hashOneSync(file: string): [string, boolean] {
  let st: fs.Stats | undefined
  try { st = fs.statSync(file) } catch { return ['missing', false] }
  if (!st.isFile()) return [st.isDirectory() ? DIR : 'not-a-file', false]
  const rec = memo.get(file)
  if (trusted(rec, st)) return [rec[5], false]
  const recordedAt = Date.now()
  let data: Buffer
  try { data = fs.readFileSync(file) } catch { return ['missing', false] }
  const hash = sha256(data)
  memo.set(file, toRecord(st, hash, recordedAt))
  return [hash, true]
}

function noteOutside(cwd: string, files: string[]): void {
  const prefix = cwd.endsWith(sep) ? cwd : cwd + sep
  for (const f of files) {
    if (f.startsWith(prefix)) continue
    let set = outsideFiles.get(cwd)
    if (!set) outsideFiles.set(cwd, (set = new Set()))
    set.add(f)
  }
}

function split(globs: string[], cwd: string): { files: Set<string>; patterns: string[] } {
  const files = new Set<string>()
  const patterns: string[] = []
  for (const g of globs) {
    if (isGlob(g)) patterns.push(g)
    else files.add(isAbsolute(g) ? g : resolve(cwd, g))
  }
  return { files, patterns }
}

/** The hash over globs, paths (sorted) and file hashes, and whether it was new to the memo. */
function combine(globs: string[], cwd: string, files: Set<string>, hashed: Map<string, string>): [string, boolean] {
  const sorted = [...files].sort()
  noteOutside(cwd, sorted)
  let input = `unperf-files-v1\0${JSON.stringify(globs)}\n`
  for (const f of sorted) input += `${relative(cwd, f).split(sep).join('/')}\0${hashed.get(f)}\n`
  const key = `${cwd}\0${input}`
  const known = combinedMemo.get(key)
  combinedMemo.delete(key)
  const digest = known ?? crypto().createHash('sha256').update(input).digest('hex')
  combinedMemo.set(key, digest)
  // a long-running process (watch mode) meets a new input on every change: keep the newest only
  if (combinedMemo.size > 4 * MAX_COMBINED) combinedMemo.delete(combinedMemo.keys().next().value!)
  return [digest, known === undefined]
}

export async function hashFiles(globs: string[], cwd: string): Promise<string> {
  cwd = resolve(cwd)
  const { files, patterns } = split(globs, cwd)
  // a few named files (package.json and lockfiles): a stat each, sync, ~10 µs where async took
  // ~0.5–1 ms behind the loop's other work on a CLI's first cache operation
  if (patterns.length === 0 && files.size <= SYNC_UP_TO) return hashFilesSync(globs, cwd)
  const store = memoFile(cwd)
  // the memo: one small file, read once per process
  loadMemoSync(store, cwd)
  const hashed = new Map<string, string>()
  let changed = false
  const hashAll = async (list: string[]) => {
    for (let i = 0; i < list.length; i += CHUNK) {
      const chunk = list.slice(i, i + CHUNK)
      const results = await Promise.all(chunk.map(hashOne))
      results.forEach(([hash, fresh], j) => { hashed.set(chunk[j]!, hash); changed ||= fresh })
    }
  }
  // the named paths first: a dir among them is globbed with the patterns (one pass, each file read once)
  await hashAll([...files])
  const [keyGlobs, toGlob] = namedDirsAsGlobs(globs, cwd, files, patterns, hashed)
  if (toGlob.length > 0) for (const f of await tinyglobby().glob(toGlob, { cwd, absolute: true, dot: true })) files.add(resolve(f))
  await hashAll([...files].filter(f => !hashed.has(f)))
  const [digest, fresh] = combine(keyGlobs, cwd, files, hashed)
  if (changed || fresh) await saveMemo(store, cwd)
  return digest
}

/** The same hash, synchronously (for config-time callers). */
export function hashFilesSync(globs: string[], cwd: string): string {
  cwd = resolve(cwd)
  const { files, patterns } = split(globs, cwd)
  const store = memoFile(cwd)
  loadMemoSync(store, cwd)
  const hashed = new Map<string, string>()
  let changed = false
  const hashAll = (list: Iterable<string>) => {
    for (const f of list) {
      if (hashed.has(f)) continue
      const [hash, fresh] = hashOneSync(f)
      hashed.set(f, hash)
      changed ||= fresh
    }
  }
  hashAll(files)
  const [keyGlobs, toGlob] = namedDirsAsGlobs(globs, cwd, files, patterns, hashed)
  if (toGlob.length > 0) for (const f of tinyglobby().globSync(toGlob, { cwd, absolute: true, dot: true })) files.add(resolve(f))
  hashAll(files)
  const [digest, fresh] = combine(keyGlobs, cwd, files, hashed)
  if (changed || fresh) saveMemoSync(store, cwd)
  return digest
}

