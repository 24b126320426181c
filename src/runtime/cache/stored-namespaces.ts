/**
 * The namespaces a scope holds in its remote tiers (Redis, unstorage drivers): those no run of this
 * process opened (plugins', opened by name) included, for info() and `unperf cache info|list|clear
 * --all`. The fs tiers are listed from their dirs (namespacesOnDisk in index.ts).
 *
 * Remote keys are `unperf:<name>:<scope>:<namespace>:<key>` with the namespace URI-encoded (no ':'):
 * one SCAN (or getKeys) over the scope's prefix finds every namespace. A tier that does not answer
 * within a few of `cache.timeout` contributes nothing: info() must not hang on a Redis that is gone.
 */
import type { ResolvedDriverSpec, ResolvedPerfConfig } from '../../config/types.js'
import { createTier } from '../../drivers/tiers.js'
import type { Tier } from '../../drivers/types.js'
import { UnstorageTier } from '../../drivers/unstorage.js'
import type { CacheScope } from './scope.js'

/** Drivers whose entries live in this process only: nothing to find there. */
const LOCAL = new Set(['memory', 'fs', 'lru-cache'])

export async function remoteNamespaces(config: ResolvedPerfConfig, scope: CacheScope): Promise<string[]> {
  const cache = config.cache
  const specs = new Set<ResolvedDriverSpec>()
  for (const spec of [cache.tiers, ...Object.values(cache.namespaces).map(n => n.tiers)].flat()) {
    if (!LOCAL.has(spec.driver)) specs.add(spec)
  }
  if (!cache.enabled || specs.size === 0) return []
  const bound = Math.max(4 * cache.timeout, 1000)
  const found = await Promise.all([...unique(specs)].map(spec => namespacesIn(spec, config, scope, bound)))
  return [...new Set(found.flat())].sort()
}

async function namespacesIn(spec: ResolvedDriverSpec, config: ResolvedPerfConfig, scope: CacheScope, bound: number): Promise<string[]> {
  let tier: Tier | undefined
  let timer: NodeJS.Timeout | undefined
  try {
    tier = createTier(spec, {
      prefix: `${encodeURIComponent(config.name)}:${scope.id}`,
      fsDir: () => { throw new Error('not an fs tier') },
      encode: { compress: false, integrity: false },
      timeout: config.cache.timeout,
    })
    const listing = tier instanceof UnstorageTier ? tier.storedKeys() : tier.keys()
    listing.catch(() => {})
    const keys = await Promise.race([listing, new Promise<string[]>(done => { timer = setTimeout(() => done([]), bound) })])
    const names = new Set<string>()
    for (const k of keys) {
      const colon = k.indexOf(':')
      if (colon <= 0) continue
      try {
        names.add(decodeURIComponent(k.slice(0, colon)))
      } catch {}
    }
    return [...names]
  } catch {
    return []
  } finally {
    clearTimeout(timer)
    await tier?.close().catch(() => {})
  }
}

/** Specs that point at the same store once (two namespaces on one Redis: one SCAN). */
function unique(specs: Set<ResolvedDriverSpec>): ResolvedDriverSpec[] {
  const seen = new Map<string, ResolvedDriverSpec>()
  for (const spec of specs) {
    let key = `${seen.size}`
    // a custom driver instance, or options JSON cannot hold (a cycle, a BigInt): listed on their own
    if (spec.driver !== 'custom') try { key = JSON.stringify(spec) } catch {}
    if (!seen.has(key)) seen.set(key, spec)
  }
  return [...seen.values()]
}
