/**
 * CRC-32 (the IEEE polynomial of zlib, gzip and PNG): the same numbers as `zlib.crc32`.
 *
 * Loading node:zlib costs ~0.5–2.5 ms, more than a CLI's few cache hits take to check in JS (a
 * table loop, ~3 ns a byte), but zlib's native loop is ~8× faster per byte. So the first 64 KiB a
 * process checks are summed here (a CLI reading a few entries never loads zlib), and from then on,
 * or for any single buffer of 16 KiB or more, zlib does it.
 */
import { zlib } from '../runtime/_builtins.js'

const NATIVE_FROM = 16 * 1024
let jsBudget = 64 * 1024

let table: Int32Array | undefined

function makeTable(): Int32Array {
  const t = new Int32Array(256)
  for (let n = 0; n < 256; n++) {
    let c = n
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
    t[n] = c
  }
  return t
}

/** CRC-32 of `data`, continuing from `value` (as zlib.crc32 does). */
export function crc32(data: Uint8Array, value = 0): number {
  if (data.length >= NATIVE_FROM || (jsBudget -= data.length) < 0) return zlib().crc32(data, value)
  const t = (table ??= makeTable())
  let c = ~value
  // four bytes a turn, the length read once: the few hundred bytes a start sums (each plugin
  // namespace's place seed, an entry's check) run in code that has not warmed up, where each
  // bytecode counts: ≈ 470 instructions a byte instead of ≈ 700 (bench/results/startup.md, session 20)
  const n = data.length
  let i = 0
  for (const end = n & ~3; i < end; i += 4) {
    c = t[(c ^ data[i]!) & 0xff]! ^ (c >>> 8)
    c = t[(c ^ data[i + 1]!) & 0xff]! ^ (c >>> 8)
    c = t[(c ^ data[i + 2]!) & 0xff]! ^ (c >>> 8)
    c = t[(c ^ data[i + 3]!) & 0xff]! ^ (c >>> 8)
  }
  for (; i < n; i++) c = t[(c ^ data[i]!) & 0xff]! ^ (c >>> 8)
  return ~c >>> 0
}
