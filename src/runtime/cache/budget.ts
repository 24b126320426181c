/**
 * The cap over all namespaces of one cache (`cache.maxSize` at the top level), on top of each
 * namespace's own limit.
 *
 * - Memory tiers share one byte counter; a write that takes the sum over the cap evicts right away,
 *   across namespaces, the next victim whose last use is the oldest (a process-wide access clock
 *   stamps every hit and write), as each namespace's policy picks its victims.
 * - fs tiers: the namespaces' dirs of the scope on disk, those this process never opened included
 *   (found once per process and on prune()). Over the cap, their LRU indexes (fs.ts: size and last
 *   access of each file, no write per read) are merged and the least recently used files go first,
 *   down to 95 % of the cap, so a process writing at the cap does not rescan on every write.
 *   Checked after writes (in the background) and on prune().
 */
import { readFile, readdir, writeFile } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import { FsTier } from '../../drivers/fs.js'
import type { MemoryTier } from '../../drivers/memory.js'
import type { SharedBytes } from '../../drivers/policy/types.js'

const LOW_WATER = 0.95
const NAMESPACE_MARKER = '.namespace'
/** Namespace dirs are `n-<encoded name>` (index.ts). */
const NAMESPACE_DIR = 'n-'

export type OnEvict = (namespace: string, key: string, size: number) => void

interface FsMember { namespace: string; tier: FsTier; marked: boolean }

export class CacheBudget {
  /** The bytes of every memory tier of this cache (they add and subtract as they go). */
  readonly memory: SharedBytes = { bytes: 0 }
  private readonly _memory: { namespace: string; tier: MemoryTier }[] = []
  private readonly _fs = new Map<string, FsMember>()
  private readonly _scanned = new Set<string>()
  private _fsRun: Promise<number> | undefined
  private _fsAgain = false

  constructor(readonly maxBytes: number, private readonly _onEvict: OnEvict) {}

  addMemory(namespace: string, tier: MemoryTier): void {
    this._memory.push({ namespace, tier })
  }

  addFs(namespace: string, tier: FsTier): void {
    this._fs.set(tier.dir, { namespace, tier, marked: false })
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
      for (const e of m.tier.policy.drain()) { this._onEvict(m.namespace, e.key, e.size); n++ }
    }
    return n
  }

  /** Checks the fs tiers (one run at a time; calls during a run make it run once more). */
  enforceFs(rescan = false): Promise<number> {
    if (rescan) this._scanned.clear()
    if (this._fsRun) { this._fsAgain = true; return this._fsRun }
    const run = (async () => {
      let n = 0
      do {
        this._fsAgain = false
        n += await this._enforceFsOnce()
      } while (this._fsAgain)
      return n
    })().finally(() => { this._fsRun = undefined })
    this._fsRun = run
    return run
  }

  async totals(): Promise<{ memory: { entries: number; bytes: number }; fs: { entries: number; bytes: number } }> {
    let entries = 0
    for (const m of this._memory) entries += m.tier.policy.count
    const fs = { entries: 0, bytes: 0 }
    for (const m of await this._fsMembers()) {
      const s = await m.tier.stats()
      fs.entries += s.entries
      fs.bytes += s.bytes
    }
    return { memory: { entries, bytes: this.memory.bytes }, fs }
  }

  private async _enforceFsOnce(): Promise<number> {
    const members = await this._fsMembers()
    let total = 0
    for (const m of members) total += (await m.tier.stats()).bytes
    if (total <= this.maxBytes) return 0
    const all: { m: FsMember; name: string; size: number; access: number }[] = []
    for (const m of members) {
      for (const [name, e] of await m.tier.accessIndex()) all.push({ m, name, size: e.size, access: e.access })
    }
    all.sort((a, b) => a.access - b.access)
    const target = this.maxBytes * LOW_WATER
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
      for (const r of await m.tier.evictNames(names)) { this._onEvict(m.namespace, r.key, r.size); n++ }
    }
    return n
  }

  /**
   * The fs tiers this process opened, and the other namespace dirs next to them (scanned once per
   * process and on prune()). A namespace whose dir name is a hash leaves its name in a marker file.
   */
  private async _fsMembers(): Promise<FsMember[]> {
    for (const m of this._fs.values()) {
      if (m.marked) continue
      if (!basename(m.tier.dir).startsWith(`${NAMESPACE_DIR}~`)) { m.marked = true; continue }
      // written once the dir exists (after its first write)
      await writeFile(join(m.tier.dir, NAMESPACE_MARKER), m.namespace, { flag: 'wx', mode: 0o600 }).then(
        () => { m.marked = true },
        (error: NodeJS.ErrnoException) => { if (error.code === 'EEXIST') m.marked = true },
      )
    }
    for (const scopeDir of new Set([...this._fs.keys()].map(d => dirname(d)))) {
      if (this._scanned.has(scopeDir)) continue
      this._scanned.add(scopeDir)
      for (const name of await readdir(scopeDir).catch(() => [] as string[])) {
        const dir = join(scopeDir, name)
        if (!name.startsWith(NAMESPACE_DIR) || this._fs.has(dir)) continue
        const namespace = name.startsWith(`${NAMESPACE_DIR}~`)
          ? (await readFile(join(dir, NAMESPACE_MARKER), 'utf8').catch(() => name))
          : name.slice(NAMESPACE_DIR.length)
        // only its index and removals are used: no encoding options needed
        this._fs.set(dir, { namespace, tier: new FsTier(dir, { compress: false, integrity: true }), marked: true })
      }
    }
    return [...this._fs.values()]
  }
}
