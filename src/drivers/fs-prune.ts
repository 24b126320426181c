/**
 * What removes the fs tier's entries besides delete() and clear(), by scanning its dir: prune()
 * (stale temp files, stray dirs, corrupt and expired entries, then the size limit), the sweep that
 * runs it at most hourly across processes, the size limit alone (LRU order from the index in
 * fs-lru.ts, and the names the cap over all namespaces picks), and verify().
 */
import * as fs from 'node:fs'
import * as fsp from 'node:fs/promises'
import { join } from 'node:path'
import { decodeEntry, readHeader } from './envelope.js'
import { type FsDir } from './fs-dir.js'
import { readEntryFileAsync, removeNonFile } from './_fs-io.js'
import { isEntryName } from './fs-lru.js'
import { decodeFileName, encodeFileName, SUFFIX } from './fs-names.js'
import { isLive } from './types.js'
import { writeFileNoFollowSync } from '../runtime/write-file-atomic.js'

const TMP_MAX_AGE_MS = 60_000
const SWEEP_EVERY_MS = 3_600_000
const SWEPT_MARKER = '.swept'

/** Expired entries and leftovers out, then least recently used entries down to maxBytes. */
export async function pruneDir(files: FsDir, maxBytes: number, now: number) {
  const removed: { key: string; reason: 'expired' | 'lru' | 'corrupt'; size: number }[] = []
  const all = await files.settleAsides(await files.list())
  for (const name of all) {
    const file = join(files.dir, name)
    if (name.endsWith('.tmp')) {
      const st = await fsp.stat(file).catch(() => undefined)
      if (st && now - st.mtimeMs > TMP_MAX_AGE_MS) await fsp.unlink(file).catch(() => {})
      continue
    }
    if (!name.endsWith(SUFFIX)) continue
    const data = await readEntryFileAsync(file).catch(() => undefined)
    if (!data) {
      if (removeNonFile(file)) {
        files.lru.forget(name)
        removed.push({ key: corruptKey(name), reason: 'corrupt', size: 0 })
      }
      continue
    }
    const header = readHeader(data)
    if (!header) {
      await files.remove(name)
      removed.push({ key: corruptKey(name), reason: 'corrupt', size: data.length })
    } else if (!isLive(header, now)) {
      await files.remove(name)
      removed.push({ key: header.key, reason: 'expired', size: data.length })
    }
  }
  // after a run of the size limit in progress (its evictions are reported by the write that started it),
  // on the dir as it is now: the index knows only this process's writes since it was built
  await limited(files)
  await files.lru.refresh(0)
  removed.push(...(await enforceMaxBytes(files, maxBytes)))
  return removed
}

/**
 * Expired entries that nobody reads again must not pile up (nitro, npm and turbo caches grow
 * forever): at most once per SWEEP_EVERY_MS per namespace dir, across processes (the mtime of a
 * `.swept` marker), the first write of a process runs prune() in the background.
 */
export async function sweepDir(files: FsDir, maxBytes: number, now: number) {
  const marker = join(files.dir, SWEPT_MARKER)
  // sync: every process's first write asks (a round trip waited behind the loop's other work)
  let st: fs.Stats | undefined
  try { st = fs.statSync(marker, { throwIfNoEntry: false }) } catch { /* unreadable: sweep */ }
  // not due: the size limit alone
  if (st && now - st.mtimeMs < SWEEP_EVERY_MS) return enforceMaxBytes(files, maxBytes)
  const at = new Date(now)
  try {
    writeFileNoFollowSync(marker, '')
    fs.utimesSync(marker, at, at)
  } catch { /* the next process sweeps then */ }
  return pruneDir(files, maxBytes, now)
}

type LruRemoval = { key: string; reason: 'lru'; size: number }

/** The size limit's run in progress per dir, and the limit a call made during it asks for. */
const limiting = new WeakMap<FsDir, { run: Promise<LruRemoval[]>; again: number | undefined }>()

/**
 * Least recently used entries out until the dir holds at most maxBytes; an entry larger than
 * maxBytes on its own goes first (it can never fit: evicting the others for it would empty the dir).
 * One run per dir at a time: a call made during a run makes it check again (the writes since count)
 * and gets no removals of its own, so an eviction is reported once, by the run that made it.
 */
export function enforceMaxBytes(files: FsDir, maxBytes: number): Promise<LruRemoval[]> {
  const current = limiting.get(files)
  if (current) {
    current.again = Math.min(current.again ?? maxBytes, maxBytes)
    return current.run.then(() => [], () => [])
  }
  const state: { run: Promise<LruRemoval[]>; again: number | undefined } = { run: undefined!, again: undefined }
  state.run = (async () => {
    const removed: LruRemoval[] = []
    let limit = maxBytes
    for (;;) {
      await evictDown(files, limit, removed)
      if (state.again === undefined) return removed
      limit = state.again
      state.again = undefined
    }
  })().finally(() => limiting.delete(files))
  limiting.set(files, state)
  return state.run
}

/** Resolves when the dir's size limit run in progress (if any) is done: its sizes are then within the limit. */
export function limited(files: FsDir): Promise<void> {
  return limiting.get(files)?.run.then(() => undefined, () => undefined) ?? Promise.resolve()
}

async function evictDown(files: FsDir, maxBytes: number, removed: LruRemoval[]): Promise<void> {
  const lru = files.lru
  // other processes' writes since the index was built count too (a long-running process)
  await lru.refresh()
  const index = await lru.load()
  // entries written during a pass are not in its order: pass again while over (each pass removes
  // at least one entry or stops)
  while (lru.bytes > maxBytes) {
    const order = [...index.entries()].sort((a, b) => Number(b[1].size > maxBytes) - Number(a[1].size > maxBytes) || a[1].access - b[1].access)
    let progress = false
    for (const [name, info] of order) {
      if (lru.bytes <= maxBytes) break
      // removed meanwhile (delete(), the cap over all namespaces)
      if (lru.get(name) !== info) continue
      const key = await files.keyOf(name)
      if (!(await files.remove(name))) continue
      progress = true
      removed.push({ key: key ?? name, reason: 'lru', size: info.size })
    }
    if (!progress) return
  }
}

/** Evicts these files (names from the LRU index) as LRU evictions. */
export async function evictNames(files: FsDir, names: string[]) {
  const removed: { key: string; reason: 'lru'; size: number }[] = []
  for (const name of names) {
    const size = files.lru.get(name)?.size ?? 0
    const key = await files.keyOf(name)
    if (await files.remove(name)) removed.push({ key: key ?? name, reason: 'lru', size })
  }
  return removed
}

/**
 * Every entry read and checked (envelope, integrity, its name, its place tag: `tagOf` of its key,
 * see envelope.ts; an entry without a tag is an earlier build's, a miss but not corrupt); the
 * corrupt ones removed and returned as their keys (corruptKey; a hashed name's own key from its
 * header when that is readable).
 */
export async function verifyDir(files: FsDir, tagOf: (key: string) => number | undefined = () => undefined) {
  const corrupt: string[] = []
  const names = (await files.settleAsides(await files.list())).filter(isEntryName)
  for (const name of names) {
    const data = await readEntryFileAsync(join(files.dir, name)).catch(() => undefined)
    if (!data) {
      if (removeNonFile(join(files.dir, name))) {
        files.lru.forget(name)
        corrupt.push(corruptKey(name))
      }
      continue
    }
    let header: ReturnType<typeof readHeader> | undefined
    try {
      header = readHeader(data)
      decodeEntry(data, header?.key, true)
      if (header && encodeFileName(header.key) !== name) throw new Error('entry stored under a foreign name')
      const tag = header && tagOf(header.key)
      if (tag !== undefined && header!.tag !== 0 && header!.tag !== tag) throw new Error('entry of another namespace or scope')
    } catch {
      const ownKey = header && encodeFileName(header.key) === name ? header.key : undefined
      corrupt.push(ownKey ?? corruptKey(name))
      await files.remove(name)
    }
  }
  return { checked: names.length, corrupt }
}

/** A corrupt entry's key as its file name holds it (`cache:evict` and verify() name keys); a hashed name's file name (its header is unreadable or gone). */
function corruptKey(name: string): string {
  return decodeFileName(name) ?? name
}
