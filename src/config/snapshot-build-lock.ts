/**
 * One snapshot build at a time (cold path only; loaded by load.ts once the snapshot is stale).
 *
 * A CI job that edits perf.config.ts and then starts 20 processes of the CLI at once (a test suite
 * spawning it) had each of them load the config through c12 and build the snapshot with esbuild
 * (≈ 0.4 s of CPU each, 20× on 2 cores). Now the first takes `manifest-<config>-<version>.lock`
 * beside the snapshot (lock-file.ts: O_EXCL, naming its holder) and builds; the others wait for it
 * and load the snapshot it wrote. The wait is bounded: a holder this machine sees gone (killed) is
 * taken over at once (lock-takeover.ts), a live one past {@link buildWaitMs} (slow, stopped, another
 * machine's) is left alone, and the waiter loads without the snapshot as before.
 *
 * Limits: a config the snapshot does not cover (a function config, a remote `extends`) is loaded by
 * each process itself; one that starts while another loads it cold waits for that load once.
 */
import { join } from 'node:path'
import { statSync } from 'node:fs'
import { tryLockFile, type ReleaseLock } from '../runtime/lock-file.js'
import { makeDirSync } from '../runtime/make-dir.js'
import { manifestName, readSnapshot, snapshotDirs, snapshotDirUntrusted } from './snapshot.js'

/** A lock on a build this much older (ms, by its mtime) than now was left by a holder that cannot be told gone (another machine's). */
export const BUILD_LOCK_STALE_MS = 30_000

/** How long a waiter waits (ms) for another process's build: past it, it loads the config itself. */
export const BUILD_WAIT_MS = 10_000

const POLL_MS = 25

type Snapshot = NonNullable<Awaited<ReturnType<typeof readSnapshot>>>

/**
 * The snapshot another process built while this one waited, or this process's turn to build it
 * (`release` once the snapshot is written or the load failed; a no-op when no lock could be taken:
 * an unwritable dir, the wait's bound passed, or a build before this one gave no snapshot).
 */
export async function snapshotBuildTurn(rootDir: string, configFile: string | undefined): Promise<{ snapshot: Snapshot } | { release: ReleaseLock }> {
  const lock = lockPath(rootDir, configFile)
  if (!lock) return { release: noop }
  const deadline = Date.now() + buildWaitMs()
  let waited = false
  let manifest = manifestStamp(rootDir, configFile)
  for (;;) {
    let release: ReleaseLock | undefined
    try { release = tryLockFile(lock, BUILD_LOCK_STALE_MS) } catch { return { release: noop } }
    if (release) {
      // built by the holder before this one (or between this process's stale read and its lock)
      const snapshot = await readSnapshot(rootDir, configFile).catch(() => undefined)
      if (snapshot) { release(); return { snapshot } }
      // the holder this one waited for wrote none (a config the snapshot does not cover, a failed
      // build): each waiter loads it itself, none holding the others up for its own load
      if (waited) { release(); return { release: noop } }
      return { release }
    }
    waited = true
    // the manifest replaced: the holder's build (read before its lock is released: one start less to wait)
    const now = manifestStamp(rootDir, configFile)
    if (now !== manifest) {
      manifest = now
      const snapshot = await readSnapshot(rootDir, configFile).catch(() => undefined)
      if (snapshot) return { snapshot }
    }
    if (Date.now() > deadline) return { release: noop }
    await new Promise(resolve => setTimeout(resolve, POLL_MS))
  }
}

// --- internal ---

function noop(): void {}

/** The bound of the wait: `UNPERF_SNAPSHOT_WAIT_MS` (tests), else {@link BUILD_WAIT_MS}. */
function buildWaitMs(): number {
  const ms = Number(process.env.UNPERF_SNAPSHOT_WAIT_MS)
  return process.env.UNPERF_SNAPSHOT_WAIT_MS && Number.isFinite(ms) && ms >= 0 ? ms : BUILD_WAIT_MS
}

/** The build lock in the first snapshot dir that can hold it (made 0700 if missing); undefined when none can. */
function lockPath(rootDir: string, configFile: string | undefined): string | undefined {
  const name = manifestName(rootDir, configFile).replace(/\.json$/, '.lock')
  for (const dir of snapshotDirs(rootDir)) {
    try {
      // a platform dir others can write to is never read from (snapshot.ts): no lock there either,
      // asked before the dir is made (never made through another user's link)
      if (snapshotDirUntrusted(dir, rootDir, true)) continue
      makeDirSync(dir, 0o700)
      return join(dir, name)
    } catch { /* unwritable: the next location */ }
  }
  return undefined
}

/** The manifests' identities (inode and mtime in every snapshot dir): changes when a build writes one. */
function manifestStamp(rootDir: string, configFile: string | undefined): string {
  let stamp = ''
  for (const dir of snapshotDirs(rootDir)) {
    let st
    try { st = statSync(join(dir, manifestName(rootDir, configFile)), { throwIfNoEntry: false }) } catch { /* ENOTDIR, EACCES: none */ }
    stamp += st ? `${st.ino}:${st.mtimeMs};` : '-;'
  }
  return stamp
}
