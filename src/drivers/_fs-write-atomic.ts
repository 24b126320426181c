/**
 * An entry's file written atomically: open a temp file (O_EXCL, mode 0600) → writev the envelope
 * parts (a large Buffer value is not copied into one buffer first) → close → rename the entry
 * aside → rename the temp file to the entry's name, now free → unlink the aside (why, and what
 * readers do: _fs-aside.ts). No fsync (a cache may lose an entry on power loss; the envelope
 * checksum turns a torn file into a miss). writeAtomicSync (entries up to SYNC_WRITE_BYTES, see
 * _fs-sync.ts) and writeAtomic (through the thread pool) make the same calls in the same order,
 * with the same error handling.
 */
import * as fs from 'node:fs'
import { close, ignore, link, open, renameClaim, renameOver, unlink, unlinkQuiet, writev } from './_fs-calls.js'
import { withSlot } from './_fs-slots.js'
import { renameClaimSync, renameOverSync } from '../runtime/rename-over.js'

/** Encoded entries up to this size are written synchronously (_fs-sync.ts). */
export const SYNC_WRITE_BYTES = 64 * 1024

/** What writeAtomic awaits or tells between its steps (see there). */
export interface WriteSteps {
  /** Awaited once the temp file is made, empty, before its bytes are written (room made for them first: other processes count the file at the size its name says from its creation, and its bytes land only in the room made). */
  beforeBytes?: () => Promise<void> | undefined
  /** Told as soon as the bytes are in the temp file (the disk's free space counts them from then: fs-headroom.ts). */
  bytesWritten?: () => void
  /** Awaited once the temp file is written and closed (room made for it, fs-size-limit.ts). */
  beforeRename?: () => Promise<void> | undefined
}

/**
 * Writes `parts` to `tmp` (created, 0600) and moves it to `file`, through the thread pool (large
 * entries; small ones: writeAtomicSync). The caller removes `tmp` on failure.
 * `aside`: where the current entry is moved first (see above); undefined renames over it (a new key,
 * or another write of this process already has the aside). `steps`: see WriteSteps.
 */
export async function writeAtomic(tmp: string, file: string, parts: Buffer[], size: number, aside?: string, steps?: WriteSteps): Promise<void> {
  const beforeBytes = steps?.beforeBytes
  let flags: string | number = 'wx'
  if (beforeBytes) {
    await withSlot(async () => close(await open(tmp, 'wx', 0o600)))
    await beforeBytes()
    // ours, made a moment ago in a dir of ours (fs-safety.ts): never through a symlink all the same
    flags = fs.constants.O_WRONLY | fs.constants.O_NOFOLLOW
  }
  await withSlot(async () => {
    const fd = await open(tmp, flags, 0o600)
    try {
      let written = await writev(fd, parts, 0)
      // a short write (rare: signals, quotas) goes on from where it stopped
      while (written < size) {
        const rest = Buffer.concat(parts, size).subarray(written)
        written += await writev(fd, [rest], written)
      }
      steps?.bytesWritten?.()
    } finally {
      await close(fd)
    }
  })
  // the temp file counts for other processes' size checks from here (fs-size-limit.ts makeRoom)
  await steps?.beforeRename?.()
  if (aside === undefined) return renameOver(tmp, file)
  // ENOENT: no entry (a new key, or another process has it aside); any other error: rename over it
  // (Windows: a scanner holding the entry waited out first, rename-over.ts)
  const moved = await renameClaim(file, aside).then(() => true, () => false)
  try {
    await renameOver(tmp, file)
  } catch (error) {
    // the previous value back under its name, unless a newer one landed there (link never
    // replaces); no hard links here (EPERM): the aside stays, readers find it
    if (moved) await link(aside, file).catch(e => (e as NodeJS.ErrnoException).code === 'EEXIST' ? undefined : Promise.reject(e)).then(() => unlink(aside)).catch(ignore)
    throw error
  }
  // the aside is the previous value (its name can meet only another process's write of this key)
  if (moved) await unlink(aside).catch(ignore)
}

/**
 * writeAtomic with synchronous calls, for entries up to SYNC_WRITE_BYTES: the same calls in the
 * same order, the same errors (thrown). Nothing else of this process runs in between, so no other
 * write of this process can meet its aside.
 */
export function writeAtomicSync(tmp: string, file: string, parts: Buffer[], size: number, aside?: string): void {
  const fd = fs.openSync(tmp, 'wx', 0o600)
  try {
    let written = fs.writevSync(fd, parts, 0)
    while (written < size) {
      const rest = Buffer.concat(parts, size).subarray(written)
      written += fs.writevSync(fd, [rest], written)
    }
  } finally {
    fs.closeSync(fd)
  }
  if (aside === undefined) return renameOverSync(tmp, file)
  let moved = true
  try { renameClaimSync(file, aside) } catch { moved = false }
  try {
    renameOverSync(tmp, file)
  } catch (error) {
    if (moved) {
      try {
        fs.linkSync(aside, file)
        unlinkQuiet(aside)
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'EEXIST') unlinkQuiet(aside)
      }
    }
    throw error
  }
  if (moved) unlinkQuiet(aside)
}
