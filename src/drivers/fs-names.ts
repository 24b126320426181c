/**
 * fs file names of cache keys, without collisions or escapes. A lowercase `[a-z0-9._-]` key of up
 * to 100 characters (not a Windows device name) is used as it is; other keys are escaped character
 * by character (`+hh` for an ASCII character, `+uhhhh` for any other UTF-16 unit, `+` itself
 * included, so `a/b`, `a:b`, `A:b` and `a_b` stay apart even on a case-insensitive file system)
 * while that stays within 100 characters; longer ones become `~` + their sha256. The three forms
 * never meet (only escaped names hold '+', only hashed ones start with '~'; no name starts with
 * '.', which temp files and markers use), escaping is decoded back to the key without reading the
 * file, and the envelope records the original key, so a read checks it. Common keys (`git:head`,
 * `deps/graph@1`) need no hash, so a warm run never loads node:crypto for them (~2–4 ms).
 */
import { crypto } from '../runtime/_builtins.js'
import { WINDOWS_DEVICE_NAME } from '../runtime/windows-names.js'

/** Every entry's file name ends with it (temp files, asides and markers do not). */
export const SUFFIX = '.e'
const READABLE = /^[a-z0-9][a-z0-9._-]{0,99}$/

/** The file name of a key (with SUFFIX). */
export function encodeFileName(key: string): string {
  if (READABLE.test(key) && !WINDOWS_DEVICE_NAME.test(key)) return key + SUFFIX
  const escaped = escapeKey(key)
  if (escaped !== undefined && !WINDOWS_DEVICE_NAME.test(escaped)) return escaped + SUFFIX
  return '~' + crypto().createHash('sha256').update(key).digest('hex') + SUFFIX
}

const MAX_NAME = 100
const HEX = '0123456789abcdef'

/** `[a-z0-9]` and, after the first character, `[._-]` as they are, the rest escaped; undefined past MAX_NAME. */
function escapeKey(key: string): string | undefined {
  if (key.length === 0 || key.length > MAX_NAME) return undefined
  let out = ''
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i)
    if ((c >= 97 && c <= 122) || (c >= 48 && c <= 57) || (i > 0 && (c === 95 || c === 45 || c === 46))) out += key[i]
    else if (c < 128) out += '+' + HEX[c >> 4] + HEX[c & 15]
    else out += '+u' + HEX[c >> 12] + HEX[(c >> 8) & 15] + HEX[(c >> 4) & 15] + HEX[c & 15]
    if (out.length > MAX_NAME) return undefined
  }
  return out
}

/** The key of a readable or escaped file name; undefined for a hashed (`~`) or foreign name. */
export function decodeFileName(name: string): string | undefined {
  if (!name.endsWith(SUFFIX) || name.startsWith('~')) return undefined
  const base = name.slice(0, -SUFFIX.length)
  if (!base.includes('+')) return base
  const key = base.replace(/\+(u[0-9a-f]{4}|[0-9a-f]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex[0] === 'u' ? hex.slice(1) : hex, 16)))
  return encodeFileName(key) === name ? key : undefined
}
