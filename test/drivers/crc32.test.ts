/**
 * unperf's CRC-32 in JavaScript (drivers/crc32.ts: the first 64 KiB a process sums, without loading
 * node:zlib) is zlib's: every length (its loop takes four bytes a turn, then the rest), views at an
 * offset, and a sum continued from another (what placeSeed relies on) give zlib.crc32's numbers.
 */
import zlib from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { crc32 } from '../../src/drivers/crc32.js'

describe('crc32', () => {
  it("gives zlib's numbers for every length, at an offset, and continued", () => {
    const bytes = Buffer.from(Array.from({ length: 300 }, (_, i) => (i * 151 + 7) & 0xff))
    for (let n = 0; n <= 67; n++) {
      const view = bytes.subarray(3, 3 + n)
      expect(crc32(view)).toBe(zlib.crc32(view))
      expect(crc32(view, 0x1234abcd)).toBe(zlib.crc32(view, 0x1234abcd))
    }
    const whole = bytes.subarray(0, 250)
    expect(crc32(whole.subarray(101), crc32(whole.subarray(0, 101)))).toBe(zlib.crc32(whole))
  })
})
