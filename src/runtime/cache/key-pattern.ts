/**
 * Which keys cache.invalidate(pattern) removes: a glob string ('user:*') or a RegExp, matched against
 * the whole key, and an entry of wrap(key, fn, { files }), stored as `key#files:<hash>`, by its key too.
 */
import { argumentError } from '../../errors.js'

/** What wrap({ files }) joins to a key (wrap.ts). */
const FILES_SUFFIX = '#files:'

/** The test of a key against `pattern`; a pattern of another type is a TypeError naming the call. */
export function keyMatcher(pattern: string | RegExp): (key: string) => boolean {
  // anything else failed inside the tiers' listing, warned about as the fs tier failing
  if (typeof pattern !== 'string' && !(pattern instanceof RegExp)) throw argumentError(`[unperf] cache.invalidate(pattern): pattern must be a glob string ('user:*') or a RegExp, got ${pattern === null ? 'null' : typeof pattern}`)
  const re = typeof pattern === 'string' ? globToRegExp(pattern) : pattern
  const matches = (k: string) => { re.lastIndex = 0; return re.test(k) }
  return k => {
    if (matches(k)) return true
    const at = k.lastIndexOf(FILES_SUFFIX)
    return at > 0 && matches(k.slice(0, at))
  }
}

/** '*' matches any characters (':' and '/' included); everything else is literal. */
export function globToRegExp(glob: string): RegExp {
  return new RegExp(`^${glob.split('*').map(s => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`, 's')
}
