/**
 * A lock file shared by processes: whoever created it holds the lock, removing it releases it.
 *
 * Taken by creating the file with O_EXCL (mode 0600), so of several processes exactly one succeeds.
 * A lock whose mtime is older than the caller's `staleMs` was left by a crashed holder and is taken
 * over: moved aside under a name of this waiter's own (of several waiters, only one rename succeeds),
 * then checked to be the file judged stale (same inode and mtime), so a lock another process made in the
 * meantime is put back, never removed.
 * Synchronous throughout (waits sleep with Atomics.wait): the exit path of every run takes one
 * (report/history.ts), so it costs an open and a close when the lock is free.
 *
 * Limits: putting a fresh lock back leaves the time of one rename in which a third process can take
 * the lock as well, and a holder that keeps the lock longer than `staleMs` can lose it: callers hold
 * it for one short write, and choose a `staleMs` far above that.
 */
import { closeSync, constants, fstatSync, openSync, readFileSync, readSync, readlinkSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs'

/** Removes the lock file: call once the work it guards is done. */
export type ReleaseLock = () => void

export interface WaitForLockOptions {
  /** A lock older than this (ms, by its mtime) was left by a crashed holder and is taken over. */
  staleMs: number
  /** How long to wait for a live holder (ms) before giving up. */
  timeoutMs: number
  /** ms between attempts. */
  pollMs: number
}

/**
 * Takes the lock when it is free or stale; undefined while another process holds it.
 * Throws when the lock file cannot be made (a missing dir, no permission).
 */
export function tryLockFile(path: string, staleMs: number): ReleaseLock | undefined {
  // a second attempt only after a stale lock was taken aside (or the lock was released meanwhile)
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx', 0o600)
      // who holds it: a waiter of this machine finds a holder killed mid-write gone at once
      try { writeSync(fd, holder()) } finally { closeSync(fd) }
      return () => { try { unlinkSync(path) } catch { /* gone */ } }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
      if (!clearIfStale(path, staleMs)) return undefined
    }
  }
  return undefined
}

/**
 * Waits for the lock, trying every `pollMs`, for up to `timeoutMs`; undefined once that has passed
 * without it: the caller chooses between going on unlocked and giving up. Throws as tryLockFile.
 */
export function waitForLockFile(path: string, options: WaitForLockOptions): ReleaseLock | undefined {
  const deadline = Date.now() + options.timeoutMs
  let sleeper: Int32Array | undefined
  for (;;) {
    const release = tryLockFile(path, options.staleMs)
    if (release) return release
    if (Date.now() > deadline) return undefined
    Atomics.wait(sleeper ??= new Int32Array(new SharedArrayBuffer(4)), 0, 0, options.pollMs)
  }
}

/** True when the lock is gone (a stale one removed, or released meanwhile): worth another attempt. */
function clearIfStale(path: string, staleMs: number): boolean {
  let judged: { ino: number; mtimeMs: number }
  try {
    judged = statSync(path)
    // a holder killed with SIGKILL while it held the lock (the exit's history append) blocked every
    // run of the next `staleMs` for its whole wait: a lock naming a process of this machine that is
    // gone is stale at once
    if (Date.now() - judged.mtimeMs <= staleMs && !holderGone(path)) return false
  } catch {
    return true // released meanwhile
  }
  // pid and a random tag: containers sharing the dir can have the same pid
  const aside = `${path}.${process.pid}.${Math.random().toString(36).slice(2, 8)}.stale`
  try {
    renameSync(path, aside)
  } catch (error) {
    // ENOENT: another waiter took it aside first (or its holder released it)
    return (error as NodeJS.ErrnoException).code === 'ENOENT'
  }
  // what was taken aside may be a lock made since the stat above (another waiter took the stale one
  // aside and made its own): only the file judged above (same inode, same mtime) is removed; another
  // goes back at once. Judging it again (reading its holder) kept it away longer, and a third process
  // could take the lock in that time as well
  let same = true
  try {
    const st = statSync(aside)
    same = st.ino === judged.ino && st.mtimeMs === judged.mtimeMs
  } catch { /* gone */ }
  try {
    if (same) unlinkSync(aside)
    else renameSync(aside, path)
  } catch { /* left aside */ }
  return same
}

let self: string | undefined

/**
 * `<boot id> <pid namespace> <pid>`: what a lock file holds. The kernel's boot id tells this machine
 * (and this boot) from another sharing the dir, the pid namespace a container from its host. Two
 * small reads of /proc, once per process (the exit path takes the history lock on every run: node:os
 * for the host name cost ≈ 0.4 ms to load); elsewhere than Linux `- - <pid>`, never taken over early.
 */
function holder(): string {
  if (self !== undefined) return self
  let boot = '-'
  let ns = '-'
  try {
    boot = readFileSync('/proc/sys/kernel/random/boot_id', 'latin1').replace(/\s/g, '') || '-'
    ns = readlinkSync('/proc/self/ns/pid').replace(/\s/g, '') || '-'
  } catch { boot = ns = '-' /* not Linux */ }
  return (self = `${boot} ${ns} ${process.pid}`)
}

/**
 * True when the lock file names a process of this machine and pid namespace that no longer runs. An
 * empty lock (its holder between create and write, or an earlier version's), another machine's,
 * or anything unreadable is not gone: it waits for `staleMs` as before. Read O_NOFOLLOW|O_NONBLOCK,
 * a regular file only (a FIFO planted under its name never hangs the exit).
 */
function holderGone(path: string): boolean {
  let text = ''
  try {
    const fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK)
    try {
      if (!fstatSync(fd).isFile()) return false
      const buf = Buffer.alloc(256)
      text = buf.toString('utf8', 0, readSync(fd, buf, 0, 256, 0))
    } finally { closeSync(fd) }
  } catch { return false }
  const [boot, ns, pidText, extra] = text.split(' ')
  const [ownBoot, ownNs, ownPid] = holder().split(' ')
  if (extra !== undefined || boot !== ownBoot || ns !== ownNs || ns === '-' || boot === '-' || pidText === ownPid) return false
  return processGone(Number(pidText))
}

/** True when no process `pid` runs on this machine (in this pid namespace); an invalid pid is not gone. */
export function processGone(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return false
  try {
    process.kill(pid, 0)
    return false
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH' // EPERM: it runs, as another user
  }
}
