/**
 * A fingerprint of config values, for skipping validation of a config that was already validated.
 * The snapshot caches the config's code, not its values (they may read process.env), so the values
 * are fingerprinted on every start: a canonical serialization (functions, class instances and other
 * non-JSON values kept distinct from look-alike JSON) hashed with the start path's 64-bit hash.
 */
import { shortHash } from '../runtime/project.js'
import type { RawLayer } from './layers.js'

export function configFingerprint(layers: readonly RawLayer[], version: string): string {
  const text = JSON.stringify({ v: version, layers: layers.map(l => [l.source, l.config]) }, function (this: Record<string, unknown>, key, value: unknown) {
    const original = this[key]
    switch (typeof original) {
      case 'function': return '\u0000fn'
      case 'bigint': return `\u0000bigint:${String(original)}`
      case 'symbol': return `\u0000symbol:${String(original)}`
      case 'undefined': return value === undefined ? '\u0000undefined' : value
      case 'number': return Number.isFinite(original) ? value : `\u0000number:${String(original)}`
      case 'object': {
        if (original === null || Array.isArray(original)) return value
        const proto = Object.getPrototypeOf(original) as unknown
        if (proto === Object.prototype || proto === null) return value
        return `\u0000${(original as { constructor?: { name?: string } }).constructor?.name ?? 'object'}:${String(original)}`
      }
      default: return value
    }
  })
  // the length is part of it: two long configs would need equal lengths and equal 64-bit hashes
  return `${shortHash(text)}${text.length.toString(36)}`
}
