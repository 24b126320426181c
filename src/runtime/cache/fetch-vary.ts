/**
 * Vary (RFC 9111 §4.1) for perf.cache.fetch() (fetch.ts): a response is stored with the request's
 * values of the headers it varies on and answers only a request with the same values. The variants
 * of one URL (`Accept-Language: en` and `fr`) are kept side by side: the first at the URL's key, each
 * other one at a variant key named by a hash of its values and of the `variants` id of the copy at
 * the URL's key. That copy removed (an unsafe method's answer) or expired, a new one gets a new id:
 * the variants stored beside the old one are never reached again (they expire), so none outlives the
 * URL's own entry.
 */
export type VaryValues = Record<string, string | null>

/** The request's values of the headers the response varies on; undefined for `Vary: *` (never stored). */
export function varyOf(res: Response, req: Headers): VaryValues | undefined {
  const vary: VaryValues = {}
  for (const raw of (res.headers.get('vary') ?? '').split(',')) {
    const name = raw.trim().toLowerCase()
    if (!name) continue
    if (name === '*') return undefined
    vary[name] = req.get(name)
  }
  return vary
}

export function varyMatches(vary: VaryValues, req: Headers): boolean {
  return Object.entries(vary).every(([name, value]) => req.get(name) === value)
}

/** The key of the variant a request finds beside the copy at the URL's key (`http:GET:<url>#vary:<hash>`). */
export async function variantKey(key: string, atKey: { vary: VaryValues; variants: string }, req: Headers): Promise<string> {
  const { createHash } = await import('node:crypto')
  const values = Object.keys(atKey.vary).sort().map(name => [name, req.get(name)])
  return `${key}#vary:${createHash('sha256').update(JSON.stringify([atKey.variants, values])).digest('hex').slice(0, 16)}`
}

export async function newVariantsId(): Promise<string> {
  const { randomBytes } = await import('node:crypto')
  return randomBytes(8).toString('hex')
}
