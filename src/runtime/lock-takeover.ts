/**
 * The takeover of a stale lock file (lock-file.ts): one whose mtime is older than the caller's
 * `staleMs`, or that names a process of this machine that is gone (a holder killed with SIGKILL).
 *
 * No syscall removes a path only while it is a given file, so of the waiters that judged one lock
 * stale, one at a time may act on it: each first creates (O_EXCL) a claim named after that lock, its
 * inode and mtime: `<lock>.<ino>-<mtime>.takeover<n>`. The claim's holder judges the lock again (still
 * the file judged, still stale) and only then moves it aside, onto its claim, and removes both. While
 * it holds the claim no other taker can touch that lock, and a lock made since (another inode, another
 * mtime) has a claim of its own: a taker that judged the old lock late claims, finds the lock changed
 * and leaves it alone. (Takers used to move the lock aside first and check it after: a
 * fresh lock moved aside by a late taker was put back, and in that rename's time a third process took
 * the lock too: two winners, seen in CI.)
 *
 * A claim is stale like a lock: its holder (written in it) gone, or older than `staleMs`. A taker
 * killed while it held one (SIGKILL) leaves it behind; the next waiter claims the next generation
 * (`takeover1`, one process only again), takes the lock over and removes the claims before its own.
 *
 * Clocks: a lock judged stale by this machine's clock is judged again against the file system's
 * (takeOver()), so a skewed waiter takes no fresh lock over. A lock whose mtime a holder's own clock
 * stamped more than `staleMs` ahead (a file system where clients set mtimes) is stale all the same:
 * it cannot be told from a lock touched ahead by hand (RELIABILITY.md).
 *
 * Limits: a holder alive past `staleMs` (or a claim's holder) is taken over all the same, and a lock
 * it releases just then can cost another process its lock: callers hold it for one short write.
 * A taker killed between moving the lock onto its claim and removing it leaves that one file beside
 * the lock (never in its way). Deferred (scripts/build.mjs): the start path loads it only when it
 * finds the lock held.
 */
import { closeSync, constants, fstatSync, linkSync, openSync, readSync, statSync, unlinkSync, writeSync } from 'node:fs'
import { lockHolder, processGone } from './lock-file.js'
import { renameClaimSync } from './rename-over.js'

/** A lock (or claim) judged: its identity. */
interface Judged { ino: number; mtimeMs: number }

/** Generations of claims tried on one lock: each a taker killed while it held the one before. */
const MAX_CLAIMS = 8

/** True when the lock is gone (a stale one removed, or released meanwhile): worth another attempt. */
export function clearIfStale(path: string, staleMs: number): boolean {
  const judged = judge(path, staleMs)
  if (judged === undefined || judged === true) return judged === true
  const claims = `${path}.${judged.ino}-${judged.mtimeMs}.takeover`
  for (let n = 0; n < MAX_CLAIMS; n++) {
    const claim = claims + n
    if (!claimed(claim)) {
      // another taker holds it: it ends in a few syscalls, unless it was killed (a stale claim)
      const other = judge(claim, staleMs)
      if (other === undefined || other === true) return false
      continue
    }
    try {
      return takeOver(path, judged, claim, staleMs)
    } finally {
      for (let i = 0; i <= n; i++) remove(claims + i)
    }
  }
  return false
}

// --- internal ---

/**
 * The lock (or claim) when it is stale; undefined while it is not; true when it is gone. Dated ahead
 * by more than `staleMs` is stale too unless its holder is a live process of this machine (the wall
 * clock stepped back while it holds it): no holder makes its lock in the future, and such a lock
 * (garbage in it, touched by hand) made every exit wait its whole timeout until that date.
 */
function judge(path: string, staleMs: number, now = Date.now()): Judged | true | undefined {
  try {
    const st = statSync(path)
    const age = now - st.mtimeMs
    if (age > staleMs) return st
    const holder = holderState(path)
    return holder === 'gone' || (age < -staleMs && holder !== 'alive') ? st : undefined
  } catch {
    return true // released meanwhile
  }
}

/**
 * With the lock's claim held: the lock removed if it is still the one judged, and stale. Its age
 * judged again against the file system's clock (the claim's mtime, just written, stamped by the
 * clock that stamped the lock: the file server's on NFS), not this machine's: a machine whose clock
 * was more than `staleMs` ahead of it (or behind: a fresh lock looked dated ahead) took every live
 * holder's fresh lock of the other machines over.
 */
function takeOver(path: string, judged: Judged, claim: string, staleMs: number): boolean {
  let fsNow: number | undefined
  try { fsNow = statSync(claim).mtimeMs } catch { /* gone: this machine's clock */ }
  const now = judge(path, staleMs, fsNow)
  if (now === true) return true
  if (now === undefined || !same(now, judged)) return false // taken over already: a fresh lock
  try {
    // onto the claim: one name less to leave behind (Windows: a scanner holding the lock waited out)
    renameClaimSync(path, claim)
  } catch (error) {
    // ENOENT: released, or another taker moved it (never retried); a lock held for good: left for the next try
    return (error as NodeJS.ErrnoException).code === 'ENOENT'
  }
  let moved: Judged | undefined
  try { moved = statSync(claim) } catch { /* gone */ }
  if (moved === undefined || same(moved, judged)) return true
  // its holder, alive past staleMs, released it and another process took the lock in between: it goes
  // back (a link: never over a lock made since)
  try { linkSync(claim, path) } catch { /* another process holds the lock now */ }
  return false
}

/** Creates the claim (O_EXCL) naming this process; false when another taker holds it. */
function claimed(claim: string): boolean {
  let fd: number
  try {
    fd = openSync(claim, 'wx', 0o600)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false
    throw error
  }
  try { writeSync(fd, lockHolder()) } finally { closeSync(fd) }
  return true
}

function same(a: Judged, b: Judged): boolean {
  return a.ino === b.ino && a.mtimeMs === b.mtimeMs
}

function remove(path: string): void {
  try { unlinkSync(path) } catch { /* gone */ }
}

/**
 * The lock file's holder: 'gone' when it names a process of this machine and pid namespace that no
 * longer runs, 'alive' when that process runs (this one included). An empty lock (its holder between
 * create and write, or an earlier version's), another machine's, or anything unreadable is 'unknown':
 * not gone, it waits for `staleMs` (unless dated ahead, judge()). Read O_NOFOLLOW|O_NONBLOCK,
 * a regular file only (a FIFO planted under its name never hangs the exit).
 */
function holderState(path: string): 'gone' | 'alive' | 'unknown' {
  let text = ''
  try {
    const fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK)
    try {
      if (!fstatSync(fd).isFile()) return 'unknown'
      const buf = Buffer.alloc(256)
      text = buf.toString('utf8', 0, readSync(fd, buf, 0, 256, 0))
    } finally { closeSync(fd) }
  } catch { return 'unknown' }
  const [boot, ns, pidText, extra] = text.split(' ')
  const [ownBoot, ownNs, ownPid] = lockHolder().split(' ')
  if (extra !== undefined || boot !== ownBoot || ns !== ownNs || ns === '-' || boot === '-' || pidText === undefined || !/^\d+$/.test(pidText)) return 'unknown'
  if (pidText === ownPid) return 'alive'
  return processGone(Number(pidText)) ? 'gone' : 'alive'
}
