/**
 * Removals a Redis tier missed: a `delete()`, `invalidate()` or `clear()` made while the tier was
 * down (skipped, or its call failed) removed the entries from the local tiers alone, and once Redis
 * answered again the next read fell through them to Redis and served the removed value again
 * (promoting it back), though `delete()` had returned true. A `set()` it missed left it the key's
 * older value, served once the local copy was gone (another process's empty memory tier): that
 * older value is a removal missed too. Each missed removal is noted, with its
 * time, in the cache dir (`.redis-missed-<id>`, one JSON line each, 0600, never through a symlink;
 * one file per Redis connection and namespace prefix), so every process of the machine knows it:
 * - an entry Redis gives back that was written before a removal of its key (its pattern, or a
 *   clear of the namespace) is a miss; one written after it (the key set again) is served;
 * - once the tier answers, the removals are applied to Redis (only to entries written before them)
 *   and the file is removed.
 * Another machine's local tiers are not reached (as for any removal: see docs/cache.md, Tiers).
 * Loaded on the tier's first read (one failed open when there is none), never on the start path.
 */
import { lstatSync, unlinkSync } from 'node:fs'
import { join } from 'node:path'
import { crypto } from '../runtime/_builtins.js'
import { keyMatcher } from '../runtime/cache/key-pattern.js'
import { makeDirSync } from '../runtime/make-dir.js'
import { renameClaimSync } from '../runtime/rename-over.js'
import { readFileNoFollowSync } from '../runtime/read-file-no-follow.js'
import { APPEND_NO_FOLLOW, endsTorn, writeFileNoFollowSync } from '../runtime/write-file-atomic.js'
import { dirUnsafeSync } from './fs-safety.js'
import { CorruptEntryError, type Tier } from './types.js'

/** A removal as noted: of one key, of the keys a pattern matches (a glob, or a RegExp's source and flags), or of all. */
export type MissedRemoval = { at: number } & ({ key: string } | { glob: string } | { re: string; flags: string } | { all: true })

/** Removals noted before they become one of every entry (see note). */
export const MAX_NOTED = 10_000

interface Loaded { keys: Map<string, number>; patterns: { at: number; match: (key: string) => boolean }[]; all: number }

/** What a guarded call on the tier looks like (TierGuard.call). */
type Call = <T>(op: (tier: Tier) => Promise<T>) => Promise<T>

export class MissedRemovals {
  private _noted: MissedRemoval[] | undefined
  private _index: Loaded | undefined
  /** Lines noted and not written to the file yet (one append per turn of the event loop: see note). */
  private _unwritten: string[] = []
  /** The removals being applied (one at a time; a caller that must see them done waits for it). */
  private _applying: Promise<void> | undefined

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

  /**
   * A removal the tier did not get (down, or its call failed): this process skips what it covers at
   * once, the machine's others once it is written: at once, or for a missed write (`batched`) in one
   * append per turn of the event loop (a run of writes to a Redis that is down costs no file write
   * each; a delete() is written before it resolves, so a process.exit() right after keeps it). Past MAX_NOTED (a Redis unreachable
   * for a long run of writes) they become one removal of every entry written until now: the file
   * stays small, and Redis serves none of what it missed.
   */
  note(removal: MissedRemoval, batched = false): void {
    const noted = this._load()
    if (noted.length >= MAX_NOTED) {
      this._noted = [{ at: Date.now(), all: true }]
      this._index = undefined
      this._unwritten = []
      this._write(`${JSON.stringify(this._noted[0])}\n`, false)
      return
    }
    noted.push(removal)
    if (this._index !== undefined) addTo(this._index, removal)
    if (this._file === undefined) return
    if (this._unwritten.push(JSON.stringify(removal)) === 1 && batched) setImmediate(() => this.flush())
    if (!batched) this.flush()
  }

  /** Writes the removals noted since the last append (also on the tier's close). */
  flush(): void {
    if (this._unwritten.length === 0) return
    const lines = this._unwritten.join('\n') + '\n'
    this._unwritten = []
    this._write(lines, true)
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
   * The tier answered: applies the removals it missed, then forgets them (removals noted meanwhile,
   * by this process or another, stay for the next time). A key's entry goes if it was written before
   * the removal (one round trip more, so a value set anew since is kept); a pattern's or a clear's
   * entries all go (a cache's miss at worst). Never throws: a failure leaves them noted.
   */
  apply(call: Call): Promise<void> {
    if (this._applying === undefined && this.pending) this._applying = this._apply(call).finally(() => { this._applying = undefined })
    return this._applying ?? Promise.resolve()
  }

  private async _apply(call: Call): Promise<void> {
    this.flush()
    // (a file in a dir someone else could write to is neither trusted nor moved)
    const taken = this._file === undefined || dirUnsafeSync([join(this._file, '..')]) ? undefined : `${this._file}.${process.pid}.${Date.now()}`
    const mine = new Set(this._noted)
    let removals = [...mine]
    try {
      if (taken !== undefined) {
        try {
          // (Windows: a scanner holding the file waited out; none there, ENOENT, at once: rename-over.ts)
          renameClaimSync(this._file!, taken)
          removals = parse(readFileNoFollowSync(taken), writtenBy(taken))
        } catch { /* none on disk (another process applied them, or the dir is unwritable): this process's own */ }
      }
      for (const r of removals) await applyOne(r, call)
      if (taken !== undefined) try { unlinkSync(taken) } catch { /* gone */ }
      this._noted = this._noted!.filter(r => !mine.has(r))
      this._index = undefined
    } catch {
      // Redis went away again: noted again for the next time
      if (taken !== undefined) {
        try { unlinkSync(taken) } catch { /* gone */ }
        this._write(removals.map(r => JSON.stringify(r)).join('\n') + '\n', true)
      }
    }
  }

  private _write(lines: string, append: boolean): void {
    if (this._file === undefined) return
    try {
      const dir = join(this._file, '..')
      makeDirSync(dir, 0o700)
      if (dirUnsafeSync([dir])) return
      if (!append) writeFileNoFollowSync(this._file, lines)
      else writeFileNoFollowSync(this._file, `${endsTorn(this._file) ? '\n' : ''}${lines}`, APPEND_NO_FOLLOW)
    } catch { /* an unwritable cache dir: this process still knows */ }
  }

  private _load(): MissedRemoval[] {
    if (this._noted !== undefined) return this._noted
    this._noted = []
    if (this._file === undefined) return this._noted
    try {
      // a file in a dir someone else could write to is not trusted
      const text = readFileNoFollowSync(this._file)
      if (!dirUnsafeSync([join(this._file, '..')])) this._noted = parse(text, writtenBy(this._file))
    } catch { /* none */ }
    return this._noted
  }
}

/**
 * The removals noted in `text`, each dated no later than `latest`: a line is appended when its removal
 * is made, so none can be later than the file's last write (a note dated ahead, by a clock stepped
 * back or a hand edit, made every later write of its key a miss, and was applied to it).
 */
function parse(text: string, latest: number): MissedRemoval[] {
  const out: MissedRemoval[] = []
  for (const line of text.split('\n')) {
    if (line === '') continue
    try {
      const r = JSON.parse(line) as MissedRemoval
      if (typeof r === 'object' && r !== null && typeof r.at === 'number' && matcherOf(r) !== undefined) out.push(r.at > latest ? { ...r, at: latest } : r)
    } catch { /* a line cut short by a killed process */ }
  }
  return out
}

/** When the note file was last written (not after now): what its lines' dates cannot be later than. */
function writtenBy(file: string): number {
  let mtime = Number.POSITIVE_INFINITY
  try { mtime = lstatSync(file).mtimeMs } catch { /* gone meanwhile: now */ }
  return Math.min(mtime, Date.now())
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
  for (const r of noted) addTo(index, r)
  return index
}

function addTo(index: Loaded, r: MissedRemoval): void {
  if ('all' in r) index.all = Math.max(index.all, r.at)
  else if ('key' in r) index.keys.set(r.key, Math.max(index.keys.get(r.key) ?? Number.NEGATIVE_INFINITY, r.at))
  else index.patterns.push({ at: r.at, match: matcherOf(r)! })
}

/** One removal on the tier (see apply). */
async function applyOne(r: MissedRemoval, call: Call): Promise<void> {
  if ('all' in r) { await call(t => t.clear()); return }
  if (!('key' in r)) {
    const match = matcherOf(r)!
    for (const key of await call(t => t.keys({ expired: true, match }))) await call(t => t.delete(key))
    return
  }
  let entry
  try {
    entry = await call(t => t.get(r.key))
  } catch (error) {
    if (error instanceof CorruptEntryError) return // removed by the tier
    throw error
  }
  if (entry !== null && entry.createdAt <= r.at) await call(t => t.delete(r.key))
}
