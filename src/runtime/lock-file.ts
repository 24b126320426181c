/**
 * A lock file shared by processes: whoever created it holds the lock, removing it releases it.
 *
 * Taken by creating the file with O_EXCL (mode 0600), so of several processes exactly one succeeds.
 * A lock whose mtime is older than the caller's `staleMs` (left by a crashed holder), or that names a
 * process of this machine that is gone, is taken over by one waiter only (lock-takeover.ts: a claim
 * per stale lock), and a lock another process made in the meantime is never removed.
 * Synchronous throughout (waits sleep with Atomics.wait): the exit path of every run takes one
 * (report/history.ts), so it costs an open and a close when the lock is free.
 *
 * Limits: a holder that keeps the lock longer than `staleMs` can lose it: callers hold it for one
 * short write, and choose a `staleMs` far above that.
 */
import { closeSync, openSync, readSync, readlinkSync, unlinkSync, writeSync } from 'node:fs'
import { now } from './clock.js'
import { clearIfStale } from './lock-takeover.js'

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
      // who holds it: a waiter of this machine finds a holder killed mid-write gone at once. On a
      // full disk (ENOSPC: no block for it, while an append into a file's last block still fits)
      // the empty file is the lock all the same (an empty lock goes stale by its age): throwing
      // here lost the history line that had room
      try { writeSync(fd, lockHolder()) } catch { /* ENOSPC, EDQUOT: held, holder unnamed */ } finally { closeSync(fd) }
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
  // the monotonic clock: NTP stepping the wall clock back while waiting blocked the process for the step
  const deadline = now() + options.timeoutMs
  let sleeper: Int32Array | undefined
  for (;;) {
    const release = tryLockFile(path, options.staleMs)
    if (release) return release
    if (now() > deadline) return undefined
    Atomics.wait(sleeper ??= new Int32Array(new SharedArrayBuffer(4)), 0, 0, options.pollMs)
  }
}

let self: string | undefined

/**
 * `<boot id> <pid namespace> <pid>`: what a lock file holds. The kernel's boot id tells this machine
 * (and this boot) from another sharing the dir, the pid namespace a container from its host. Two
 * small reads of /proc, once per process (the exit path takes the history lock on every run: node:os
 * for the host name cost ≈ 0.4 ms to load); elsewhere than Linux `- - <pid>`, never taken over early.
 */
export function lockHolder(): string {
  if (self !== undefined) return self
  let boot = '-'
  let ns = '-'
  try {
    // read into a small buffer: readFileSync of a /proc file (its size 0) takes node's unknown-size
    // path, ≈ 0.6 M instructions of functions compiled for it alone on every run's exit
    const bytes = Buffer.allocUnsafe(64)
    const fd = openSync('/proc/sys/kernel/random/boot_id', 'r')
    try { boot = bytes.toString(undefined, 0, readSync(fd, bytes, 0, 64, null)).trim() || '-' } finally { closeSync(fd) }
    ns = readlinkSync('/proc/self/ns/pid').trim() || '-'
  } catch { boot = ns = '-' /* not Linux */ }
  return (self = `${boot} ${ns} ${process.pid}`)
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
