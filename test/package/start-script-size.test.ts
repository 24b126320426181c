/**
 * The built start script (dist/_chunks/index.start-*.js) is read as a string on every start and
 * held for the whole run. It is ASCII (a one-byte string, one byte a character) and longer than
 * V8's largest regular heap object (128 KiB, with a 16-byte string header), so V8 allocates it in
 * its large-object space, out of the young generation a short CLI fills: the warm start then pays
 * one scavenge instead of two (scripts/start-script.mjs, LARGE_STRING). A rebuild that drops the
 * padding, or a non-ASCII character that makes it a two-byte string, fails here.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'

const chunks = join(import.meta.dirname, '../../dist/_chunks')
const V8_MAX_REGULAR_OBJECT = 128 * 1024
const STRING_HEADER = 16

describe('the start script', () => {
  it('is an ASCII string above V8\'s large-object threshold, and within the start path\'s budget', () => {
    const names = readdirSync(chunks).filter(n => /^index\.start-[0-9a-f]+\.js$/.test(n))
    expect(names).toHaveLength(1)
    const bytes = readFileSync(join(chunks, names[0]!))
    expect(bytes.every(b => b < 0x80)).toBe(true)
    expect(bytes.length + STRING_HEADER).toBeGreaterThan(V8_MAX_REGULAR_OBJECT)
    // the padding is comment lines at the end, never code: the code itself stays within 136 KiB
    const text = bytes.toString('latin1')
    const padding = text.indexOf('\n// padding:') + 1 // none when the code alone is past the threshold
    const code = padding > 0 ? text.slice(0, padding) : text.replace(/\n+$/, '\n')
    expect(code.endsWith('})\n')).toBe(true)
    expect(code.length).toBeLessThanOrEqual(136 * 1024)
    expect(text.slice(code.length).split('\n').every(line => line === '' || line.startsWith('//'))).toBe(true)
  })
})
