/**
 * The namespaces a scope holds in its remote tiers (Redis, unstorage drivers): those no run of this
 * process opened (plugins', opened by name) included, for info() and `unperf cache info|list|clear
 * --all`. The fs tiers are listed from their dirs (namespacesOnDisk in index.ts).
 *
 * Remote keys are `unperf:<name>:<scope>:<namespace>:<key>` with the namespace URI-encoded (no ':'):
 * one SCAN (or getKeys) over the scope's prefix finds every namespace. A tier that has not listed
 * them within the bound contributes nothing (info() must not hang on a Redis that is gone; a scope of
 * millions of keys takes longer than info()'s bound), nor one that fails: `onUnlisted` hears of both.
 */
import type { ResolvedDriverSpec, ResolvedPerfConfig } from '../../config/types.js'
import { formatDuration } from '../../config/units.js'
import { errorMessage } from '../../errors.js'
import { createTier } from '../../drivers/tiers.js'
import { isUnstorageTier, type Tier } from '../../drivers/types.js'
import type { CacheScope } from './scope.js'
import { timerDelay } from '../clock.js'

/** Drivers whose entries live in this process only: nothing to find there. */
const LOCAL = new Set(['memory', 'fs', 'lru-cache'])

export interface RemoteListingOptions {
  /** ms a tier gets to list the scope's keys; default: 4 × cache.timeout, at least 1 s */
  boundMs?: number
  /** a tier that could not list its keys (its kind: 'redis', an unstorage driver's name): why, for people */
  onUnlisted?: (kind: string, reason: string) => void
  /**
   * The bound is for a listing that stopped, not for one still having its round trips answered
   * (Tier.rounds: `unperf cache`, which is there to list). Without it, the listing has the bound in
   * all (info(): a scope of millions of keys is not waited for).
   */
  whileAnswered?: boolean
}

export async function remoteNamespaces(config: ResolvedPerfConfig, scope: CacheScope, options: RemoteListingOptions = {}): Promise<string[]> {
  const cache = config.cache
  const specs = new Set<ResolvedDriverSpec>()
  for (const spec of [cache.tiers, ...Object.values(cache.namespaces).map(n => n.tiers)].flat()) {
    if (!LOCAL.has(spec.driver)) specs.add(spec)
  }
  if (specs.size === 0) return []
  const bound = options.boundMs ?? Math.max(4 * cache.timeout, 1000)
  const found = await Promise.all([...unique(specs)].map(spec => namespacesIn(spec, config, scope, bound, options)))
  return [...new Set(found.flat())].sort()
}

async function namespacesIn(spec: ResolvedDriverSpec, config: ResolvedPerfConfig, scope: CacheScope, bound: number, { onUnlisted, whileAnswered }: RemoteListingOptions): Promise<string[]> {
  let tier: Tier | undefined
  let timer: NodeJS.Timeout | undefined
  try {
    tier = await createTier(spec, {
      prefix: `${encodeURIComponent(config.name)}:${scope.id}`,
      fsDir: () => { throw new Error('not an fs tier') },
      encode: { compress: false, integrity: false },
      timeout: config.cache.timeout,
    })
    const late = Symbol('late')
    // `answered`: round trips answered so far; while it grows, another `ms` (a SCAN of 200 000 keys is
    // 200 round trips: over a 200 ms link, 40 s, past `unperf cache`'s 30 s, which said 'no answer')
    const within = <T>(work: Promise<T>, ms: number, answered?: () => number): Promise<T | typeof late> => {
      work.catch(() => {})
      let seen = answered?.() ?? 0
      const check = (done: (v: typeof late) => void) => {
        const now = answered?.() ?? 0
        if (now === seen) return done(late)
        seen = now
        timer = setTimeout(check, timerDelay(ms), done)
      }
      return Promise.race([work, new Promise<typeof late>(done => { timer = setTimeout(check, timerDelay(ms), done) })]).finally(() => clearTimeout(timer))
    }
    // a Redis that does not answer at all (frozen, a black hole) is found by one PING within a
    // cache call's own bound (the first call of a connection: max(timeout, 1 s)), not by the
    // listing's long bound: `cache info` or `clear --all` on a frozen Redis took 30 s more
    if (tier.probe !== undefined) {
      const ping = Math.max(config.cache.timeout, 1000)
      if (await within(tier.probe(), ping) === late) {
        onUnlisted?.(tier.kind, `no answer within ${formatDuration(ping)}`)
        return []
      }
    }
    // names only: every stored key, without reading each entry's header (Redis: SCAN alone, where
    // keys() also read 100 000 headers for a scope of 100 000 entries, to learn two names)
    const t = tier
    const keys = await within(isUnstorageTier(t) ? t.storedKeys() : t.keys({ expired: true }), bound, whileAnswered && t.rounds ? () => t.rounds!() : undefined)
    if (keys === late) {
      onUnlisted?.(tier.kind, `no answer within ${formatDuration(bound)}`)
      return []
    }
    const names = new Set<string>()
    for (const k of keys) {
      const colon = k.indexOf(':')
      if (colon <= 0) continue
      try {
        names.add(decodeURIComponent(k.slice(0, colon)))
      } catch {}
    }
    return [...names]
  } catch (error) {
    // the CLI says why a tier could not list: a refused connection's own error, not ioredis' retry one
    onUnlisted?.(tier?.kind ?? spec.driver, errorMessage(tier?.explain?.(error) ?? error))
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
