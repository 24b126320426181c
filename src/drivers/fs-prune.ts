/**
 * What removes the fs tier's entries besides delete() and clear(), by scanning its dir: prune()
 * (stale temp files, stray dirs, corrupt and expired entries, then the size limit), the sweep that
 * runs it at most hourly across processes, and verify(). The size limit itself (LRU order from the
 * index in fs-lru.ts, room made before a write, the names the cap over all namespaces picks):
 * fs-size-limit.ts, its functions the fs tier uses re-exported here.
 */
import * as fs from 'node:fs'
import * as fsp from 'node:fs/promises'
import { join } from 'node:path'
import { decodeEntry, readHeader } from './envelope.js'
import { type FsDir } from './fs-dir.js'
import { readEntryFileAsync, removeNonFile } from './_fs-read.js'
import { isEntryName } from './fs-lru.js'
import { isLeftoverTmp } from './fs-tmp.js'
import { decodeFileName, encodeFileName, SUFFIX } from './fs-names.js'
import { isLive } from './types.js'
import { writeFileNoFollowSync } from '../runtime/write-file-atomic.js'
import { enforceMaxBytes, limited } from './fs-size-limit.js'

// the size limit, as the fs tier (fs.ts) imports it with the scans
export { enforceMaxBytes, evictNames, knowLimit, limited, refuseLarger } from './fs-size-limit.js'

const SWEEP_EVERY_MS = 3_600_000
const SWEPT_MARKER = '.swept'

/**
 * Expired entries (past the longer of their own stale window and `staleFor`, the namespace's
 * current one: types.ts isLive) and leftovers out, then least recently used entries down to maxBytes.
 * An entry is removed only when expired both at `now` (when the prune was asked for) and when it
 * is read: a scan of a large dir takes a while, and a clock set back meanwhile (NTP correcting a
 * clock that ran hours ahead) made the sweep that started on the wrong clock remove the entries
 * written since, fresh by the clock as it is now.
 */
export async function pruneDir(files: FsDir, maxBytes: number, now: number, staleFor = 0) {
  const removed: { key: string; reason: 'expired' | 'lru' | 'corrupt'; size: number }[] = []
  const all = await files.settleAsides(await files.list())
  for (const name of all) {
    const file = join(files.dir, name)
    if (name.endsWith('.tmp')) {
      const st = await fsp.stat(file).catch(() => undefined)
      if (st && isLeftoverTmp(name, st.mtimeMs, now)) await fsp.unlink(file).catch(() => {})
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
    } else if (!isLive(header, Math.min(now, Date.now()), staleFor)) {
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
export async function sweepDir(files: FsDir, maxBytes: number, now: number, staleFor = 0) {
  const marker = join(files.dir, SWEPT_MARKER)
  // sync: every process's first write asks (a round trip waited behind the loop's other work)
  let st: fs.Stats | undefined
  try { st = fs.statSync(marker, { throwIfNoEntry: false }) } catch { /* unreadable: sweep */ }
  // not due: the size limit alone. A marker from the future (stamped while the clock was ahead, then
  // corrected) is due: else no sweep ran until the clock caught up with it, a year for a year's jump
  const age = st ? now - st.mtimeMs : Infinity
  if (age >= 0 && age < SWEEP_EVERY_MS) return enforceMaxBytes(files, maxBytes)
  const at = new Date(now)
  try {
    writeFileNoFollowSync(marker, '')
    fs.utimesSync(marker, at, at)
  } catch { /* the next process sweeps then */ }
  return pruneDir(files, maxBytes, now, staleFor)
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
