/**
 * Subresource Integrity (`init.integrity`, a Request's `integrity`) for a body served from the cache:
 * fetch() checks it on every response it reads from the network and rejects a mismatch, so a copy
 * stored earlier (by a call without it, or of another version of the resource) must pass the same
 * check before it answers a call that gives one. The W3C SRI rule: of the tokens whose algorithm is
 * known, only those of the strongest algorithm count, and any one of them matching is enough;
 * metadata with no known token matches anything (as fetch has it).
 */
import { asFetched } from './fetch-response.js'

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

/**
 * The network's answer to a revalidation sent without the call's integrity (fetch fails a 304 with
 * it: no body to check), checked as fetch checks an answer: read whole, then a mismatch is fetch's
 * own error and a match is given back with its body in memory. Fetching again with the integrity
 * instead would download a changed resource twice.
 */
export async function checkedAnswer(response: Response, integrity: string): Promise<Response> {
  const body = response.body === null ? null : new Uint8Array(await response.arrayBuffer())
  if (body === null || !await matchesIntegrity(body, integrity)) throw new TypeError('fetch failed', { cause: new Error('integrity mismatch') })
  const { status, statusText, headers } = response
  return asFetched(new Response(body, { status, statusText, headers }), response.url, response.redirected, response.type)
}
