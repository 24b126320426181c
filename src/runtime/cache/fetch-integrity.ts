/**
 * Subresource Integrity (`init.integrity`, a Request's `integrity`) for a body served from the cache:
 * fetch() checks it on every response it reads from the network and rejects a mismatch, so a copy
 * stored earlier (by a call without it, or of another version of the resource) must pass the same
 * check before it answers a call that gives one. The W3C SRI rule: of the tokens whose algorithm is
 * known, only those of the strongest algorithm count, and any one of them matching is enough;
 * metadata with no known token matches anything (as fetch has it).
 */
const STRENGTH: Record<string, number> = { sha256: 1, sha384: 2, sha512: 3 }

/** base64 and base64url written alike, without padding (undici accepts either spelling). */
const normal = (digest: string): string => digest.replace(/-/g, '+').replace(/_/g, '/').replace(/=+$/, '')

export async function matchesIntegrity(body: Uint8Array, metadata: string): Promise<boolean> {
  let strongest = 0
  let wanted: string[] = []
  for (const token of metadata.trim().split(/\s+/)) {
    const m = /^(sha256|sha384|sha512)-([A-Za-z0-9+/_-]+={0,2})(?:\?.*)?$/i.exec(token)
    if (!m) continue
    const strength = STRENGTH[m[1]!.toLowerCase()]!
    if (strength > strongest) { strongest = strength; wanted = [] }
    if (strength === strongest) wanted.push(normal(m[2]!))
  }
  if (strongest === 0) return true
  const { createHash } = await import('node:crypto')
  const algorithm = Object.keys(STRENGTH).find(name => STRENGTH[name] === strongest)!
  return wanted.includes(normal(createHash(algorithm).update(body).digest('base64')))
}
