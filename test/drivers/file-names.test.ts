/**
 * Cache keys → fs file names: common keys stay readable without a hash (no node:crypto on a warm
 * start), every key gets its own name (also on case-insensitive file systems), and names decode back.
 */
import { randomBytes } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { decodeFileName, encodeFileName } from '../../src/drivers/fs-names.js'

const lowerFold = (s: string) => s.toLowerCase()

function keys(): string[] {
  const out = new Set<string>([
    'git:head', 'deps/graph@1', 'a/b', 'a:b', 'a_b', 'A_b', 'a+b', 'a+2bb', 'a%3ab', '.hidden', '-flag', 'x.', 'con', 'CON', 'con.txt',
    '~x', '+', '++', 'é', 'e\u0301', '\ud800', '\udc00', '😀', 'a'.repeat(100), 'a'.repeat(101), ':'.repeat(33), ':'.repeat(34), 'a\0b',
  ])
  const alphabet = 'aAbB0:/._-+~ %\u00e9\u0301\ud83d\ude00\0'
  for (let i = 0; i < 3000; i++) {
    const bytes = randomBytes(1 + (i % 12))
    out.add([...bytes].map(b => alphabet[b % alphabet.length]).join(''))
  }
  return [...out]
}

describe('fs file names', () => {
  it('common keys are readable (escaped, not hashed) and decode back to the key', () => {
    expect(encodeFileName('git:head')).toBe('git+3ahead.e')
    expect(encodeFileName('deps/graph@1')).toBe('deps+2fgraph+401.e')
    expect(encodeFileName('User')).toBe('+55ser.e')
    expect(encodeFileName('plain-key_1.json')).toBe('plain-key_1.json.e')
    for (const k of ['git:head', 'deps/graph@1', 'User', 'é', '😀', '.hidden']) expect(decodeFileName(encodeFileName(k))).toBe(k)
  })

  it('every key gets its own name, distinct even when the file system folds case; none starts with "." and all fit', () => {
    const all = keys()
    const names = new Map<string, string>()
    for (const k of all) {
      const name = encodeFileName(k)
      expect(name.startsWith('.'), JSON.stringify(k)).toBe(false)
      expect(name.length).toBeLessThanOrEqual(102 + 2)
      expect(name).toMatch(/^[a-z0-9~+][a-z0-9._+-]*\.e$/)
      expect(/^(con|prn|aux|nul|com\d|lpt\d)(\..*)?$/.test(name)).toBe(false)
      const folded = lowerFold(name)
      expect(names.get(folded) ?? k, `${JSON.stringify(k)} and ${JSON.stringify(names.get(folded))} share ${name}`).toBe(k)
      names.set(folded, k)
      // escaped and readable names decode without reading the file; hashed ones (~) need the envelope
      if (name.startsWith('~')) expect(decodeFileName(name)).toBeUndefined()
      else expect(decodeFileName(name)).toBe(k)
    }
  })

  it('long keys are hashed; a non-canonical or foreign name decodes to nothing', () => {
    expect(encodeFileName('a'.repeat(101))).toMatch(/^~[0-9a-f]{64}\.e$/)
    expect(encodeFileName(':'.repeat(34))).toMatch(/^~[0-9a-f]{64}\.e$/)
    expect(encodeFileName(':'.repeat(33))).toBe('+3a'.repeat(33) + '.e')
    // 'a+2eb' would decode to 'a.b', whose name is 'a.b.e': not the canonical name, so not a key
    expect(decodeFileName('a+2eb.e')).toBeUndefined()
    expect(decodeFileName('a.tmp')).toBeUndefined()
  })
})
