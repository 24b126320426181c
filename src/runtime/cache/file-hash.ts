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
 * - The records live in a per-process memo and in one small file per project (file-hash-memo.ts),
 *   so that the next process of the CLI skips the reads too.
 * - The memo also keeps the combined hashes it computed (input → sha256), so a warm run whose files
 *   are all unchanged hashes nothing and never loads node:crypto (~2–4 ms on a CLI's start).
 */
import { crypto } from '../_builtins.js'
import * as fs from 'node:fs'
import * as fsp from 'node:fs/promises'
import { isAbsolute, relative, resolve, sep } from 'node:path'
import { DIR, isGlob, namedDirsAsGlobs } from './file-hash-dirs.js'
import { tinyglobby } from '../_tinyglobby.js'
import { combinedMemo, fileHashStats, loadMemoSync, MAX_COMBINED, memo, memoFile, noteOutside, saveMemo, saveMemoSync, toRecord, trusted } from './file-hash-memo.js'

const CHUNK = 64
/** Up to this many named files (no globs), hashFiles works synchronously (the memo usually spares the reads). */
const SYNC_UP_TO = 8

// the memo's records and where they are kept: file-hash-memo.ts
export { clearFileHashMemo, fileHashStats, setFileHashMemoDir } from './file-hash-memo.js'

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

