/**
 * The cap over all namespaces of one cache (`cache.maxSize` at the top level), on top of each
 * namespace's own limit.
 *
 * - Memory tiers share one byte counter; a write that takes the sum over the cap evicts right away,
 *   across namespaces, the next victim whose last use is the oldest (a process-wide access clock
 *   stamps every hit and write), as each namespace's policy picks its victims.
 * - fs tiers: the namespaces' dirs of the scope on disk, those this process never opened included.
 *   A process reads the other dirs (readdir + stat, as fs-lru.ts builds its LRU index) at most once, and
 *   not at all while the scope's `.budget` summary (their sizes at the last full read, by any
 *   process) is under 10 minutes old; prune() always reads them. Over the cap, the LRU indexes of
 *   every dir are merged and the least recently used files go first, down to 95 % of the cap, so a
 *   process writing at the cap does not rescan on every write. Checked after writes (in the
 *   background) and on prune().
 */
import { readdir, rm, stat } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import { writeFileAtomicSync } from '../write-file-atomic.js'
import { readFileNoFollowSync } from '../read-file-no-follow.js'
import { FsTier } from '../../drivers/fs.js'
import { checkDirSafe, refuseSymlinkedDir } from '../../drivers/cache-dir-safety.js'
import type { MemoryTier } from '../../drivers/memory.js'
import type { SharedBytes } from '../../drivers/policy/types.js'
import type { Tier } from '../../drivers/types.js'
import { markNamespaceDir, NAMESPACE_DIR, namespaceOfDir } from './namespace-dirs.js'

const LOW_WATER = 0.95
/** In the scope dir: the sizes of its namespace dirs at the last full scan. */
const SUMMARY = '.budget'
/** A summary older than this is not trusted: the next check re-reads every dir. */
const SUMMARY_MAX_AGE_MS = 10 * 60_000
/** A summary dated further ahead than this (a clock stepped back since, or written by hand) is not trusted. */
const SUMMARY_AHEAD_MS = 60_000
/** A summary's temp file older than this was left by a killed process (a live one renames it within ms). */
const SUMMARY_TMP_MAX_AGE_MS = 60_000

/** An entry the cap evicted: its namespace, key, size and the tier it was removed from. */
export type OnEvict = (namespace: string, key: string, size: number, tier: Tier) => void

interface FsMember { namespace: string; tier: FsTier; marked: boolean; /** by this process (else found on disk) */ opened: boolean }
/** The sizes of a scope's namespace dirs at the last full scan (by any process). */
interface Summary { at: number; bytes: Record<string, number> }

export class CacheBudget {
  /** The bytes of every memory tier of this cache (they add and subtract as they go). */
  readonly memory: SharedBytes
  private readonly _memory: { namespace: string; tier: MemoryTier }[] = []
  private readonly _fs = new Map<string, FsMember>()
  /** Scopes whose every namespace dir is a member (read in this process). */
  private readonly _scanned = new Set<string>()
  private readonly _summaries = new Map<string, Summary>()
  /** Each scope's summary as it is on disk (read or written here): an unchanged one is not rewritten. */
  private readonly _summaryText = new Map<string, string>()
  private _fsRun: Promise<number> | undefined
  private _fsAgain = false
  private _full = false
  /** An fs check ran in this process: close() writes the summaries. */
  private _checked = false

  constructor(readonly maxBytes: number, private readonly _onEvict: OnEvict) {
    this.memory = { bytes: 0, cap: maxBytes }
  }

  addMemory(namespace: string, tier: MemoryTier): void {
    this._memory.push({ namespace, tier })
  }

  addFs(namespace: string, tier: FsTier): void {
    this._fs.set(tier.dir, { namespace, tier, marked: false, opened: true })
  }

  /** After a write into a memory tier: evicts across namespaces while the sum is over the cap. */
  enforceMemory(): number {
    if (this.memory.bytes <= this.maxBytes) return 0
    const members = this._memory
    while (this.memory.bytes > this.maxBytes) {
      let pick: MemoryTier | undefined
      let oldest = Number.POSITIVE_INFINITY
      for (const m of members) {
        const access = m.tier.policy.victimAccess()
        if (access < oldest) { oldest = access; pick = m.tier }
      }
      if (pick === undefined) break
      pick.policy.evictOne()
    }
    let n = 0
    for (const m of members) {
      for (const e of m.tier.policy.drain()) { this._onEvict(m.namespace, e.key, e.size, m.tier); n++ }
    }
    return n
  }

  /**
   * Checks the fs tiers (one run at a time; calls during a run make it run once more). `full`
   * (prune()) re-reads every namespace dir of the scope; otherwise the other namespaces' sizes may
   * come from the scope's summary when it is recent.
   */
  enforceFs(full = false): Promise<number> {
    this._checked = true
    if (full) this._full = true
    if (this._fsRun) { this._fsAgain = true; return this._fsRun }
    const run = (async () => {
      let n = 0
      do {
        this._fsAgain = false
        const f = this._full
        this._full = false
        n += await this._enforceFsOnce(f)
      } while (this._fsAgain || this._full)
      return n
    })().finally(() => { this._fsRun = undefined })
    this._fsRun = run
    return run
  }

  /** Exact totals (every namespace dir of the scope read, after the check in progress), for info(). */
  async totals(): Promise<{ memory: { entries: number; bytes: number }; fs: { entries: number; bytes: number } }> {
    await this._fsRun?.catch(() => {})
    let entries = 0
    for (const m of this._memory) entries += m.tier.policy.count
    const fs = { entries: 0, bytes: 0 }
    const scopes = await this._scopes()
    for (const scope of scopes) if (!this._scanned.has(scope)) await this._scan(scope)
    for (const m of this._members(scopes)) {
      const s = await m.tier.stats()
      fs.entries += s.entries
      fs.bytes += s.bytes
    }
    return { memory: { entries, bytes: this.memory.bytes }, fs }
  }

  private async _enforceFsOnce(full: boolean): Promise<number> {
    const scopes = await this._scopes()
    await this._mark(scopes)
    let scanned = false
    for (const scope of scopes) {
      if (!full && (this._scanned.has(scope) || (await this._summary(scope)))) continue
      await this._scan(scope)
      scanned = true
    }
    let total = await this._fsBytes(scopes)
    if (total <= this.maxBytes) {
      if (scanned) await this._writeSummaries(scopes)
      return 0
    }
    // over the cap: every dir's index is needed to evict in LRU order across namespaces
    for (const scope of scopes) if (!this._scanned.has(scope)) await this._scan(scope)
    total = await this._fsBytes(scopes)
    const all: { m: FsMember; name: string; size: number; access: number }[] = []
    for (const m of this._members(scopes)) {
      for (const [name, e] of await m.tier.accessIndex()) all.push({ m, name, size: e.size, access: e.access })
    }
    const target = this.maxBytes * LOW_WATER
    // an entry larger than the cap on its own can never fit: it goes first, not everything else for it
    all.sort((a, b) => Number(b.size > this.maxBytes) - Number(a.size > this.maxBytes) || a.access - b.access)
    const chosen = new Map<FsMember, string[]>()
    for (const e of all) {
      if (total <= target) break
      total -= e.size
      const names = chosen.get(e.m)
      if (names) names.push(e.name)
      else chosen.set(e.m, [e.name])
    }
    let n = 0
    for (const [m, names] of chosen) {
      for (const r of await m.tier.evictNames(names)) { this._onEvict(m.namespace, r.key, r.size, m.tier); n++ }
    }
    await this._writeSummaries(scopes)
    return n
  }

  /**
   * The scope dirs of the fs tiers this process opened, those the tiers' checks accept: a scope dir
   * of the user's own, not a symlink, in a cache root no one else can write to. In another (a shared
   * XDG_CACHE_HOME where someone else made the dirs first) the tiers refuse their dirs, and nothing
   * here may read, write or evict there either: a planted summary, a namespace dir linked elsewhere.
   */
  private async _scopes(): Promise<Set<string>> {
    const scopes = new Set<string>()
    for (const [dir, m] of this._fs) {
      const scope = dirname(dir)
      if (!m.opened || scopes.has(scope)) continue
      const safe = (await checkDirSafe(scope).catch(() => false)) && (await checkDirSafe(dirname(scope)).catch(() => false))
      try { refuseSymlinkedDir(scope) } catch { continue }
      if (safe) scopes.add(scope)
    }
    return scopes
  }

  /** The fs tiers (opened or found) in these scopes. */
  private _members(scopes: Set<string>): FsMember[] {
    return [...this._fs].filter(([dir]) => scopes.has(dirname(dir))).map(([, m]) => m)
  }

  /** Bytes of the known fs tiers, plus the summary's figure for the dirs of scopes not scanned here. */
  private async _fsBytes(scopes: Set<string>): Promise<number> {
    let total = 0
    // every dir's index at once: their readdirs overlap in the thread pool
    for (const s of await Promise.all(this._members(scopes).map(m => m.tier.stats()))) total += s.bytes
    for (const [scope, summary] of this._summaries) {
      if (this._scanned.has(scope) || !scopes.has(scope)) continue
      for (const [name, bytes] of Object.entries(summary.bytes)) if (!this._fs.has(join(scope, name))) total += bytes
    }
    return total
  }

  /** A recent summary of the scope's namespace sizes (written by the last full scan of any process). */
  private async _summary(scope: string): Promise<boolean> {
    if (this._summaries.has(scope)) return true
    try {
      // sync: a small file read once per process, after its first write
      const text = readFileNoFollowSync(join(scope, SUMMARY))
      const summary = JSON.parse(text) as unknown
      if (!recentSummary(summary)) return false
      this._summaries.set(scope, summary)
      this._summaryText.set(scope, text)
      return true
    } catch {
      return false
    }
  }

  /**
   * Every namespace dir of the scope becomes a member (its index is read on first use). A summary's
   * temp file left by a process killed while writing it is removed once stale.
   */
  private async _scan(scope: string): Promise<void> {
    this._scanned.add(scope)
    this._summaries.delete(scope)
    for (const entry of await readdir(scope, { withFileTypes: true }).catch(() => [])) {
      const { name } = entry
      const dir = join(scope, name)
      // a namespace dir is a dir unperf made: a symlink there leads elsewhere (fs.ts refuses it too)
      if (entry.isSymbolicLink()) continue
      if (name.startsWith(`${SUMMARY}.`) && name.endsWith('.tmp')) {
        const st = await stat(dir).catch(() => undefined)
        if (st && Date.now() - st.mtimeMs > SUMMARY_TMP_MAX_AGE_MS) await rm(dir, { force: true }).catch(() => {})
        continue
      }
      if (!name.startsWith(NAMESPACE_DIR) || this._fs.has(dir)) continue
      const namespace = await namespaceOfDir(dir)
      // only its index and removals are used: no encoding options needed
      this._fs.set(dir, { namespace, tier: new FsTier(dir, { compress: false, integrity: true }), marked: true, opened: false })
    }
  }

  /**
   * The scopes' summaries: exact where this process read every dir; elsewhere the summary it read,
   * with its own dirs' current sizes (and the time of that summary's full read, so it still expires).
   */
  private async _writeSummaries(scopes: Set<string>): Promise<void> {
    for (const scope of scopes) {
      const previous = this._scanned.has(scope) ? undefined : this._summaries.get(scope)
      if (!this._scanned.has(scope) && !previous) continue
      const bytes: Record<string, number> = { ...previous?.bytes }
      for (const [dir, m] of this._fs) if (dirname(dir) === scope) bytes[basename(dir)] = (await m.tier.stats()).bytes
      const summary: Summary = { at: previous?.at ?? Date.now(), bytes }
      if (previous) this._summaries.set(scope, summary)
      // a run that rewrote entries of the same sizes (a counter, a refreshed value) changes nothing
      const text = JSON.stringify(summary)
      if (this._summaryText.get(scope) === text) continue
      // sync: a small file, written by a process's close() (three round trips of ~0.3 ms each there)
      try {
        writeFileAtomicSync(join(scope, SUMMARY), text)
        this._summaryText.set(scope, text)
      } catch { /* read-only or removed: the next close writes it */ }
    }
  }

  /** At close: the summaries carry this process's writes to the next processes. */
  async flush(): Promise<void> {
    if (!this._checked) return
    await this._fsRun?.catch(() => {})
    await this._writeSummaries(await this._scopes())
  }

  /** A namespace whose dir name is a hash leaves its name in a marker file, once its dir exists. */
  private async _mark(scopes: Set<string>): Promise<void> {
    for (const m of this._members(scopes)) if (!m.marked) m.marked = markNamespaceDir(m.tier.dir, m.namespace)
  }
}

/**
 * A summary this process may count on: `at` within the last 10 minutes (not ahead: one dated a year
 * ahead was trusted for a year, and each close kept its date), `bytes` an object of sizes (finite,
 * not negative). Else the dirs are read. `bytes: null` threw out of the size check (a TypeError
 * reported as the fs tier failing, `E_EVICT`); negative or missing sizes hid bytes from the cap.
 */
function recentSummary(value: unknown): value is Summary {
  if (typeof value !== 'object' || value === null) return false
  const { at, bytes } = value as Record<string, unknown>
  if (typeof at !== 'number' || !(Date.now() - at <= SUMMARY_MAX_AGE_MS) || at - Date.now() > SUMMARY_AHEAD_MS) return false
  if (typeof bytes !== 'object' || bytes === null || Array.isArray(bytes)) return false
  return Object.values(bytes).every(n => typeof n === 'number' && Number.isFinite(n) && n >= 0)
}
