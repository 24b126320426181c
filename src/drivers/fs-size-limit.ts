/**
 * The fs tier's size limit (`maxSize`): least recently used entries out (LRU order from the index in
 * fs-lru.ts) after writes, one run per dir at a time; room made before a write near the limit, an
 * entry larger than the limit refused, entries freed when the disk is full, and the names the cap
 * over all namespaces picks evicted. The evictions of runs a write started are reported by the
 * next size check. prune() (fs-prune.ts) ends with a size check.
 */
import { type FsDir } from './fs-dir.js'
import { EvictOrder } from './fs-evict-order.js'
import { LISTING_SHARE } from './fs-listing.js'

type LruRemoval = { key: string; reason: 'lru'; size: number }

/** The size limit's run in progress per dir, the limit it enforces, and the limit a call made during it asks for. */
const limiting = new WeakMap<FsDir, { run: Promise<LruRemoval[]>; limit: number; again: number | undefined }>()
/** The limit the last size check of each dir was asked for (makeRoom's). */
const lastLimit = new WeakMap<FsDir, number>()
/** Each dir's eviction order, reused across its size checks (fs-evict-order.ts). */
const orders = new WeakMap<FsDir, EvictOrder>()
/** Evictions of runs a write started (makeRoom): reported by the next enforceMaxBytes call, the one after that write. */
const unreported = new WeakMap<FsDir, LruRemoval[]>()

/**
 * Least recently used entries out until the dir holds at most maxBytes; an entry larger than
 * maxBytes on its own goes first (it can never fit: evicting the others for it would empty the dir).
 * One run per dir at a time: a call made during a run makes it check again (the writes since count)
 * and gets no removals of its own, so an eviction is reported once, by the run that made it (or, for
 * a run a write started, by the next call).
 */
export function enforceMaxBytes(files: FsDir, maxBytes: number): Promise<LruRemoval[]> {
  lastLimit.set(files, maxBytes)
  return runLimit(files, maxBytes).then(removed => {
    const earlier = unreported.get(files)
    if (!earlier) return removed
    unreported.delete(files)
    return [...earlier, ...removed]
  })
}

function runLimit(files: FsDir, maxBytes: number): Promise<LruRemoval[]> {
  const current = limiting.get(files)
  if (current) {
    current.again = Math.min(current.again ?? maxBytes, maxBytes)
    return current.run.then(() => [], () => [])
  }
  const state: { run: Promise<LruRemoval[]>; limit: number; again: number | undefined } = { run: undefined!, limit: maxBytes, again: undefined }
  state.run = (async () => {
    const removed: LruRemoval[] = []
    for (;;) {
      await evictDown(files, state.limit, removed)
      if (state.again === undefined) return removed
      state.limit = state.again
      state.again = undefined
    }
  })().finally(() => limiting.delete(files))
  limiting.set(files, state)
  return state.run
}

const RESOLVED = Promise.resolve()

/** Where a size check that found other processes writing into the dir evicts down to (a share of the limit). */
const OTHERS_LOW_WATER = 0.85
/** Entries of at least this share of the limit, written near it, make room first (makeRoom). */
const ROOM_SHARE = 1 / 1000
/** Near the limit: this share of it. */
const ROOM_NEAR = 0.8

/**
 * Room for a write of `size` bytes, before it is made, or undefined when there is room (a write
 * under the limit never waits). The size limit is otherwise checked after writes, in the
 * background: a process writing in a loop outran its own evictions on a busy machine (each removal
 * a thread-pool round trip behind its writes), and processes writing at once each saw the dir
 * under the limit: 8 processes writing 200 kB entries into a 5 MB namespace held 40-70 MB while
 * they ran. So a write waits for the run in progress while the dir is over the limit (as this
 * process sees it: its entries, other processes' new entries and temp files, its own writes in
 * flight); and a large entry (ROOM_SHARE of the limit) near the limit lists the dir first and,
 * over it, evicts before its temp file is made (reported with the write's own size check). Other
 * processes count that temp file at its full size from then on (its name says it: fs-tmp.ts):
 * counted once its bytes were written and checked only then, the temp files of 8 processes
 * writing 200 kB entries took a 5 MB namespace 12–28 % over its limit.
 */
export function makeRoom(files: FsDir, size: number, check = false): Promise<void> | undefined {
  const limit = lastLimit.get(files)
  if (limit === undefined) return undefined
  const lru = files.lru
  const current = limiting.get(files)
  // also while the run has not listed the dir for a while (it waits for a rescan: ~0.2 s through the
  // thread pool at 2 000 entries) and others write: two processes writing tiny entries, each into the
  // room its last run made (15 %), took a 200 kB namespace 28 % over meanwhile
  if (current) return lru.held + lru.othersNext + size > current.limit || (lru.othersWriting && lru.unlisted >= current.limit * LISTING_SHARE) ? (check ? RESOLVED : current.run.then(() => undefined, () => undefined)) : undefined
  // an entry larger than the limit never fits: evicted after it is written, nothing else for it.
  // Before the index is built (a process's first large write) the dir is unknown: listed first (a
  // second process's first 200 kB entry into a full 1 MB namespace put 1.2 MB on disk)
  if (size < limit * ROOM_SHARE || size > limit || (lru.loaded && lru.held + lru.othersNext + size < limit * ROOM_NEAR)) return undefined
  if (check) return RESOLVED
  return (async () => {
    await lru.syncListing(limit, true)
    // room for this write and for the next of each other process writing (fs-lru.ts othersNext)
    const room = size + lru.othersNext
    if (lru.held + room <= limit) return
    const removed = await runLimit(files, Math.max(0, limit - room)).catch(() => [] as LruRemoval[])
    if (removed.length > 0) unreported.set(files, [...(unreported.get(files) ?? []), ...removed])
  })()
}

/**
 * An entry larger than the limit on its own is not written (the memory tier's rule, lru-cache's):
 * written, it was served and counted in info() until the size check after the write evicted it. The
 * key's previous entry goes (it is no longer the key's value) and the write counts as evicted at
 * once (`lru`, reported by the size check after this write, as the memory tier's). No stat: the
 * encoded size against the limit the namespace gave. Undefined when the entry fits.
 */
export function refuseLarger(files: FsDir, key: string, name: string, size: number): Promise<boolean> | undefined {
  const limit = lastLimit.get(files)
  if (limit === undefined || size <= limit) return undefined
  unreported.set(files, [...(unreported.get(files) ?? []), { key, reason: 'lru', size }])
  return files.remove(name)
}

/** The namespace's limit, known before its first size check (makeRoom needs it from the first write on). */
export function knowLimit(files: FsDir, maxBytes: number): void {
  if (!lastLimit.has(files)) lastLimit.set(files, maxBytes)
}

/**
 * A write met a full disk (fs-write.ts): least recently used entries out until `bytes` are freed
 * (or none is left), whatever maxSize says; reported, as makeRoom's, by the next size check. The
 * listing first, so entries other processes wrote count (and are candidates) too; the entries this
 * process is writing never (FsDir.writing: their writes are what the room is for). The bytes freed.
 */
export async function freeDisk(files: FsDir, bytes: number): Promise<number> {
  const lru = files.lru
  const index = await lru.load()
  await lru.syncListing(Infinity, true)
  const order = [...index.entries()].sort((a, b) => a[1].access - b[1].access)
  const removed: LruRemoval[] = []
  let freed = 0
  for (const [name, info] of order) {
    if (freed >= bytes) break
    if (files.writing.has(name)) continue
    const key = await files.keyOf(name)
    if (!(await files.remove(name))) continue
    freed += info.size
    removed.push({ key: key ?? name, reason: 'lru', size: info.size })
  }
  if (removed.length > 0) unreported.set(files, [...(unreported.get(files) ?? []), ...removed])
  return freed
}

/** Resolves when the dir's size limit run in progress (if any) is done: its sizes are then within the limit. */
export function limited(files: FsDir): Promise<void> {
  return limiting.get(files)?.run.then(() => undefined, () => undefined) ?? Promise.resolve()
}

function evictOrder(files: FsDir): EvictOrder {
  let order = orders.get(files)
  if (!order) orders.set(files, order = new EvictOrder())
  return order
}

async function evictDown(files: FsDir, maxBytes: number, removed: LruRemoval[]): Promise<void> {
  const lru = files.lru
  // other processes' writes since the index was built count too: their new entries and temp files
  // within ~0.1 s (the listing), changed sizes within a second (a full rescan)
  await lru.refresh()
  await lru.syncListing(maxBytes)
  const index = await lru.load()
  if (lru.held <= maxBytes) return
  // other processes writing too: down to OTHERS_LOW_WATER, room for what they write before they
  // see it (8 processes writing 200 kB entries into 5 MB held ~1.25× the limit at peak when each
  // evicted to the limit exactly)
  const target = lru.othersWriting ? Math.min(maxBytes * OTHERS_LOW_WATER, maxBytes - lru.othersNext) : maxBytes
  // entries written during a pass are not in its order: pass again while over (each pass removes
  // at least one entry or stops); entries other processes are writing count too. A victim another
  // process removed first freed room for that process's write, not for this one's: owed, and
  // another victim goes (evicting in the same LRU order, processes met on the same victims and
  // each wrote into the room of one removal)
  let owed = 0
  while (lru.held + owed > target) {
    // the victims of this pass, removed at once (one by one, each a round trip, they fell behind a
    // process's writes on a busy machine); not the entries this process is writing (FsDir.writing)
    const victims = evictOrder(files).victims(lru, index, maxBytes, lru.held + owed - target, files.writing)
    owed = 0
    let progress = false
    await Promise.all(victims.map(async ([name, info]) => {
      // removed meanwhile (delete(), the cap over all namespaces)
      if (lru.get(name) !== info) return
      const key = await files.keyOf(name)
      if (!(await files.remove(name))) { owed += info.size; return }
      progress = true
      removed.push({ key: key ?? name, reason: 'lru', size: info.size })
    }))
    if (!progress && owed === 0) return
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
