/**
 * The Redis name of an entry: its prefix and key. Redis keys are bytes and ioredis sends a string
 * as UTF-8, where a lone UTF-16 surrogate (a string cut inside an emoji: `'😀'.slice(0, 1)`) turns
 * into U+FFFD: the keys `'\ud800'` and `'\ufffd'` were one Redis key, each one's write overwrote the
 * other's, and a read found the other's entry (a corrupt-entry miss); keys() listed `'\ufffd'`.
 * Such a key is sent as WTF-8 bytes instead (a lone surrogate as its own 3 bytes, `ED A0 80`, which
 * UTF-8 never holds): no well-formed key has those bytes, and the listing decodes them back. A
 * well-formed key (every key but these) stays a string, as before: same bytes, same names.
 */

/** What ioredis takes as a key. */
export type RedisKey = string | Buffer

interface WellFormed { isWellFormed(): boolean }

export function redisKey(prefix: string, key: string): RedisKey {
  return (key as unknown as WellFormed).isWellFormed() ? prefix + key : Buffer.concat([Buffer.from(prefix), wtf8(key)])
}

/** The key of a name SCAN returned (bytes), without the prefix's first `prefixBytes` bytes. */
export function keyOfName(name: Buffer, prefixBytes: number): string {
  const rest = name.subarray(prefixBytes)
  let out = ''
  let from = 0
  for (let i = rest.indexOf(0xed); i !== -1 && i + 2 < rest.length; i = rest.indexOf(0xed, i + 1)) {
    const b1 = rest[i + 1]!
    const b2 = rest[i + 2]!
    // ED A0..BF 80..BF: a surrogate code unit (never in UTF-8, only in what wtf8() wrote)
    if (b1 < 0xa0 || b1 > 0xbf || (b2 & 0xc0) !== 0x80) continue
    out += rest.toString('utf8', from, i) + String.fromCharCode(0xd000 | ((b1 & 0x3f) << 6) | (b2 & 0x3f))
    from = i + 3
    i += 2
  }
  return from === 0 ? rest.toString('utf8') : out + rest.toString('utf8', from)
}

function wtf8(s: string): Buffer {
  const parts: Buffer[] = []
  let from = 0
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if ((c & 0xf800) !== 0xd800) continue
    if (c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) { i++; continue } // a pair: UTF-8 as it is
    parts.push(Buffer.from(s.slice(from, i)), Buffer.from([0xe0 | (c >> 12), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f)]))
    from = i + 1
  }
  parts.push(Buffer.from(s.slice(from)))
  return Buffer.concat(parts)
}
