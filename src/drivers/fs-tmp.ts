/**
 * The fs tier's temp files (`.<entry>.<pid>.<tag>.<n>.tmp`, fs.ts): which are leftovers of a
 * writer that will never rename them (killed mid-write), for the size check's listing (fs-lru.ts)
 * and prune() (fs-prune.ts).
 */

/** A temp file whose writer (the pid in its name) is gone and is older than this is a leftover. */
const DEAD_TMP_MS = 2_000
/** Any temp file older than this is a leftover (a writer renames its own within milliseconds). */
const TMP_MAX_AGE_MS = 60_000

/** A temp file (of an entry, by its name) modified at `mtimeMs` that no writer will rename any more (see DEAD_TMP_MS). */
export function isLeftoverTmp(name: string, mtimeMs: number, wall = Date.now()): boolean {
  const age = wall - mtimeMs
  return age > TMP_MAX_AGE_MS || (age > DEAD_TMP_MS && !writerAlive(tmpWriter(name)))
}

/** The pid of a temp file's writer, from its name (`.<entry>.<pid>.<tag>.<n>.tmp`, fs.ts); undefined for another name. */
export function tmpWriter(name: string): number | undefined {
  const m = /\.(\d+)\.[a-z0-9]+\.[a-z0-9]+\.tmp$/.exec(name)
  return m ? Number(m[1]) : undefined
}

/**
 * Whether the writer of a temp file may still be running: its pid exists (or is unknown). A pid of
 * another pid namespace (a container sharing the dir) looks gone: its temp file is removed only
 * once older than DEAD_TMP_MS, where a live writer renamed it long before (and one that did not
 * retries its write once, fs.ts).
 */
function writerAlive(pid: number | undefined): boolean {
  if (pid === undefined || pid === process.pid) return true
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== 'ESRCH'
  }
}
