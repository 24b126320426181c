/**
 * The fs tier's temp files (`.<entry>.<pid>.<tag>.<n>.<size>.tmp`): their names, the size their
 * writer is writing (in the name: other processes' size checks count a write in flight at its full
 * size from the moment its file exists, not at the bytes written so far, with no call more), and
 * which are leftovers of a writer that will never rename them (killed mid-write), for the size
 * check's listing (fs-lru.ts) and prune() (fs-prune.ts).
 */
import { processGone } from '../runtime/lock-file.js'

/** This process's part of its temp file names: `<pid>.<random>.`, unique without a random per write. */
const TMP_TAG = `${process.pid}.${Math.random().toString(36).slice(2, 8)}.`
let tmpCounter = 0

/** A new temp file name for entry `name` (a file name, not a path) of `size` bytes. */
export function tmpName(name: string, size: number): string {
  return `.${name}.${TMP_TAG}${(tmpCounter++).toString(36)}.${size.toString(36)}.tmp`
}

/**
 * pid, then tag, counter and (since the size is in the name) size; an earlier build's names have no
 * size. The segment before the pid is always the entry suffix (`e`), never digits: the two forms
 * cannot be read as each other.
 */
const TMP_NAME = /\.(\d+)\.[a-z0-9]+\.[a-z0-9]+(?:\.([a-z0-9]+))?\.tmp$/

/** The size a temp file's writer is writing (from its name); undefined for an earlier build's or another name. */
export function tmpSize(name: string): number | undefined {
  const m = TMP_NAME.exec(name)
  return m?.[2] === undefined ? undefined : parseInt(m[2], 36)
}

/** A temp file whose writer (the pid in its name) is gone and is older than this is a leftover. */
const DEAD_TMP_MS = 2_000
/** Any temp file older than this is a leftover (a writer renames its own within milliseconds). */
const TMP_MAX_AGE_MS = 60_000

/** A temp file (of an entry, by its name) modified at `mtimeMs` that no writer will rename any more (see DEAD_TMP_MS). */
export function isLeftoverTmp(name: string, mtimeMs: number, wall = Date.now()): boolean {
  const age = wall - mtimeMs
  return age > TMP_MAX_AGE_MS || (age > DEAD_TMP_MS && !writerAlive(tmpWriter(name)))
}

/** The pid of a temp file's writer, from its name (see tmpName); undefined for another name. */
export function tmpWriter(name: string): number | undefined {
  const m = TMP_NAME.exec(name)
  return m ? Number(m[1]) : undefined
}

/**
 * Whether the writer of a temp file may still be running: its pid exists (or is unknown). A pid of
 * another pid namespace (a container sharing the dir) looks gone: its temp file is removed only
 * once older than DEAD_TMP_MS, where a live writer renamed it long before (and one that did not
 * retries its write once, fs.ts).
 */
function writerAlive(pid: number | undefined): boolean {
  return pid === undefined || pid === process.pid || !processGone(pid)
}
