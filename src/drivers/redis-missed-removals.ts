/**
 * Removals a Redis tier missed: a `delete()`, `invalidate()` or `clear()` made while the tier was
 * down (skipped, or its call failed) removed the entries from the local tiers alone, and once Redis
 * answered again the next read fell through them to Redis and served the removed value again
 * (promoting it back), though `delete()` had returned true. Each missed removal is noted, with its
 * time, in the cache dir (`.redis-missed-<id>`, one JSON line each, 0600, never through a symlink;
 * one file per Redis connection and namespace prefix), so every process of the machine knows it:
 * - an entry Redis gives back that was written before a removal of its key (its pattern, or a
 *   clear of the namespace) is a miss; one written after it (the key set again) is served;
 * - once the tier answers, the removals are applied to Redis (only to entries written before them)
 *   and the file is removed.
 * Another machine's local tiers are not reached (as for any removal: see docs/cache.md, Tiers).
 * Loaded on the tier's first read (one failed open when there is none), never on the start path.
 */
import { renameSync, unlinkSync } from 'node:fs'
import { join } from 'node:path'
import { crypto } from '../runtime/_builtins.js'
import { keyMatcher } from '../runtime/cache/key-pattern.js'
import { makeDirSync } from '../runtime/make-dir.js'
import { readFileNoFollowSync } from '../runtime/read-file-no-follow.js'
import { APPEND_NO_FOLLOW, endsTorn, writeFileNoFollowSync } from '../runtime/write-file-atomic.js'
import { dirUnsafeSync } from './fs-safety.js'
import { CorruptEntryError, type Tier } from './types.js'

/** A removal as noted: of one key, of the keys a pattern matches (a glob, or a RegExp's source and flags), or of all. */
export type MissedRemoval = { at: number } & ({ key: string } | { glob: string } | { re: string; flags: string } | { all: true })

interface Loaded { keys: Map<string, number>; patterns: { at: number; match: (key: string) => boolean }[]; all: number }

/** What a guarded call on the tier looks like (TierGuard.call). */
type Call = <T>(op: (tier: Tier) => Promise<T>) => Promise<T>

export class MissedRemovals {
  private _noted: MissedRemoval[] | undefined
  private _index: Loaded | undefined
  private _applying = false

  constructor(private readonly _file: string | undefined) {}

  /** The file of a connection's namespace prefix in the cache dir (none without one). */
  static in(stateDir: string | undefined, connection: string, prefix: string): MissedRemovals {
    const id = crypto().createHash('sha256').update(`${connection}\0${prefix}`).digest('hex').slice(0, 16)
    return new MissedRemovals(stateDir === undefined ? undefined : join(stateDir, `.redis-missed-${id}`))
  }

  /** Removals noted and not yet applied to Redis (read from the file on first use). */
  get pending(): boolean {
    return this._load().length > 0
  }

  /** A removal the tier did not get (down, or its call failed). */
  note(removal: MissedRemoval): void {
    this._load().push(removal)
    this._index = undefined
    if (this._file === undefined) return
    try {
      const dir = join(this._file, '..')
      makeDirSync(dir, 0o700)
      if (dirUnsafeSync([dir])) return
      writeFileNoFollowSync(this._file, `${endsTorn(this._file) ? '\n' : ''}${JSON.stringify(removal)}\n`, APPEND_NO_FOLLOW)
    } catch { /* an unwritable cache dir: this process still knows */ }
  }

  /** Whether an entry of `key` written at `createdAt`, given back by the tier, was removed since (a miss). */
  removes(key: string, createdAt: number): boolean {
    if (this._load().length === 0) return false
    const index = (this._index ??= indexOf(this._noted!))
    if (createdAt <= index.all) return true
    const at = index.keys.get(key)
    if (at !== undefined && createdAt <= at) return true
    return index.patterns.some(p => createdAt <= p.at && p.match(key))
  }

  /**
   * The tier answered: applies the removals it missed, each to the entries written before it, then
   * forgets them (removals noted meanwhile, by this process or another, stay for the next time).
   * Never throws: a failure leaves them noted.
   */
  async apply(call: Call): Promise<void> {
    if (this._applying || !this.pending) return
    this._applying = true
    const taken = this._file === undefined ? undefined : `${this._file}.${process.pid}.${Date.now()}`
    const mine = [...this._noted!]
    let removals = mine
    try {
      if (taken !== undefined) {
        try {
          renameSync(this._file!, taken)
          removals = parse(readFileNoFollowSync(taken))
        } catch { /* none on disk (another process applied them, or the dir is unwritable): this process's own */ }
      }
      for (const r of removals) await applyOne(r, call)
      if (taken !== undefined) try { unlinkSync(taken) } catch { /* gone */ }
      this._noted = this._noted!.filter(r => !mine.includes(r))
      this._index = undefined
    } catch {
      // Redis went away again: noted again for the next time
      if (taken !== undefined) {
        try { unlinkSync(taken) } catch { /* gone */ }
        for (const r of removals) { this._noted = this._noted!.filter(n => n !== r); this.note(r) }
      }
    } finally {
      this._applying = false
    }
  }

  private _load(): MissedRemoval[] {
    if (this._noted !== undefined) return this._noted
    this._noted = []
    if (this._file === undefined) return this._noted
    try {
      // a file in a dir someone else could write to is not trusted
      const text = readFileNoFollowSync(this._file)
      if (!dirUnsafeSync([join(this._file, '..')])) this._noted = parse(text)
    } catch { /* none */ }
    return this._noted
  }
}

function parse(text: string): MissedRemoval[] {
  const out: MissedRemoval[] = []
  for (const line of text.split('\n')) {
    if (line === '') continue
    try {
      const r = JSON.parse(line) as MissedRemoval
      if (typeof r === 'object' && r !== null && typeof r.at === 'number' && matcherOf(r) !== undefined) out.push(r)
    } catch { /* a line cut short by a killed process */ }
  }
  return out
}

function matcherOf(r: MissedRemoval): ((key: string) => boolean) | undefined {
  try {
    if ('all' in r && r.all === true) return () => true
    if ('key' in r && typeof r.key === 'string') return k => k === r.key
    if ('glob' in r && typeof r.glob === 'string') return keyMatcher(r.glob)
    if ('re' in r && typeof r.re === 'string' && typeof r.flags === 'string') return keyMatcher(new RegExp(r.re, r.flags))
  } catch { /* a RegExp this Node cannot build */ }
  return undefined
}

function indexOf(noted: MissedRemoval[]): Loaded {
  const index: Loaded = { keys: new Map(), patterns: [], all: Number.NEGATIVE_INFINITY }
  for (const r of noted) {
    if ('all' in r) index.all = Math.max(index.all, r.at)
    else if ('key' in r) index.keys.set(r.key, Math.max(index.keys.get(r.key) ?? Number.NEGATIVE_INFINITY, r.at))
    else index.patterns.push({ at: r.at, match: matcherOf(r)! })
  }
  return index
}

/** One removal on the tier: each entry it covers that was written before it goes. */
async function applyOne(r: MissedRemoval, call: Call): Promise<void> {
  const match = matcherOf(r)!
  const keys = 'key' in r ? [r.key] : await call(t => t.keys({ expired: true, match }))
  for (const key of keys) {
    let entry
    try {
      entry = await call(t => t.get(key))
    } catch (error) {
      if (error instanceof CorruptEntryError) continue // removed by the tier
      throw error
    }
    if (entry !== null && entry.createdAt <= r.at) await call(t => t.delete(key))
  }
}
