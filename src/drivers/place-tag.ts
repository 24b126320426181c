/**
 * The place tag binds an fs entry to the namespace and scope it was written for: a file copied (not
 * linked) from one namespace's dir into another's under the same name — a sync tool, a backup
 * restored over the wrong dir — held the right key and a valid checksum, and was served as the
 * other namespace's value. The tier checks the tag on read (fs.ts): another place's is a corrupt
 * entry, removed and reported; 0 (written before the tag, or by a tier without a place) a miss. It
 * is 16 bits in the header's spare u16, which earlier readers ignore (an older unperf sharing the
 * dir still reads these entries): it catches a copied entry but for 1 in 65 536 (the tag is of the
 * key too, so that chance is per entry, not per pair of namespaces). Like the checksum, it guards
 * against accidents, not against someone who can write the cache dir (they could write any tag).
 */
import { crc32 } from './crc32.js'

/**
 * The place tag of `key` (u16, never 0) for a place whose placeSeed is `seed`: a CRC-32 of the
 * place and the key, folded to 16 bits.
 */
export function placeTag(seed: number, key: string): number {
  const c = crc32(Buffer.from(key, 'utf16le'), seed)
  return ((c >>> 16) ^ c) & 0xffff || 1
}

/** The CRC-32 of a place's part up to its first '\0' (a scope id), by that part: every namespace of a scope shares it. */
const placeHeads = new Map<string, number>()

/**
 * placeTag's seed for a place (a scope id and a namespace name, say), computed once per tier: the
 * CRC-32 of the place and a '\0'. Its part up to the first '\0' (the scope id) is summed once per
 * process and the rest continued from it (CRC-32 of a + b is the CRC-32 of b from that of a): in code
 * that has not warmed up, the sum costs ≈ 600 instructions a byte, ≈ 40 000 for a scope id, which
 * each plugin's namespace paid on every start (bench/results/startup.md, session 20).
 */
export function placeSeed(place: string): number {
  const cut = place.indexOf('\0') + 1
  if (cut === 0) return crc32(Buffer.from(place + '\0', 'utf16le'))
  const head = place.slice(0, cut)
  let seed = placeHeads.get(head)
  if (seed === undefined) placeHeads.set(head, seed = crc32(Buffer.from(head, 'utf16le')))
  return crc32(Buffer.from(place.slice(cut) + '\0', 'utf16le'), seed)
}
