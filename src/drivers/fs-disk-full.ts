/**
 * The fs tier's full disk, as its writes meet it (fs-write.ts): ENOSPC or EDQUOT, and the error a
 * write skipped for it carries (`cache:error`, the one warning naming the dir: namespace-events.ts).
 */
import { formatBytes } from '../config/units.js'

/** A write skipped because the disk (or the user's quota) is full, once evicting did not make room. */
export class DiskFullError extends Error {
  readonly code: 'ENOSPC' | 'EDQUOT'
  readonly diskFull = true
  /**
   * `after`: what the tier did before giving up (evicted and tried again; within the backoff of such
   * a failure; nothing: not an entry's write). `minFree`: the write was not tried, it would have
   * left less than that many bytes free on the file system (fs-headroom.ts); `after` then says
   * whether entries were evicted for it first.
   */
  constructor(readonly dir: string, cause: NodeJS.ErrnoException, after: 'evicted' | 'empty' | 'backoff' | 'none' = 'none', minFree?: number) {
    const code = cause.code === 'EDQUOT' ? 'EDQUOT' : 'ENOSPC'
    const done = after === 'evicted' ? `least recently used entries were evicted${minFree === undefined ? ' and the write tried again' : ''}, without room: it was skipped`
      : after === 'empty' ? `the cache had ${minFree === undefined ? 'no entry' : 'not enough'} there to evict for it: it was skipped`
      : after === 'backoff' ? 'evicting made no room moments ago: the write was skipped'
      : 'the write was skipped'
    const what = minFree !== undefined ? `disk full: writing to ${dir} would leave less than ${formatBytes(minFree)} free on its file system (1 % of it, at most 1 GiB, is left to other programs)`
      : `disk full: cannot write to ${dir} (${code === 'EDQUOT' ? 'EDQUOT, the disk quota is used up' : 'ENOSPC, no space left on the device'})`
    super(`${what}; ${done}`, { cause })
    this.name = 'DiskFullError'
    this.code = code
  }
}

export function isDiskFull(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code
  return code === 'ENOSPC' || code === 'EDQUOT'
}
