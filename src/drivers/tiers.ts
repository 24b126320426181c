/**
 * Builds a namespace's tiers from the resolved driver specs; remote ones are guarded by TierGuard
 * (tier-guard.ts): bounded by `cache.timeout`, skipped while down.
 *
 * The Redis and unstorage tiers are imported when a spec names them: a memory + fs cache (the
 * default) never reads their code (~40 kB of the drivers' chunk: the connection, its health, large
 * values, missed removals, scopes), on its first call or ever.
 */
import { join } from 'node:path'
import type { ResolvedDriverSpec } from '../config/types.js'
import type { EncodeOptions } from './envelope.js'
import { FsTier } from './fs.js'
import { MemoryTier } from './memory.js'
import type { Tier } from './types.js'

export interface TierContext {
  /** `<name>:<scope>:<namespace>` for remote prefixes. */
  prefix: string
  /** The prefix builds before the namespace segment escaped uppercase, `.` and `*` used (unstorage tiers), when it differs. */
  legacyPrefix?: string
  /** fs directory of this namespace inside the scope. */
  fsDir: (base: string) => string
  /** Where the fs tier's entries belong (scope id and namespace): bound to it (FsTier's `place`). */
  place?: string
  encode: EncodeOptions
  timeout: number
  /** The cache dir: where a Redis found down is noted for the other processes of the machine (redis-health.ts). */
  stateDir?: string
  /** The cache's scope, for the Redis tiers to mark it used and prune unused ones (redis-scopes.ts): the app's name (URI-encoded), scope id, cache.scopeMaxAge. */
  scope?: { name: string; id: string; maxAge: number }
}

export async function createTier(spec: ResolvedDriverSpec, ctx: TierContext): Promise<Tier> {
  switch (spec.driver) {
    case 'memory':
      return new MemoryTier()
    case 'fs':
      return new FsTier(ctx.fsDir((spec as { base: string }).base), ctx.encode, ctx.place)
    case 'redis': {
      const s = spec as Extract<ResolvedDriverSpec, { driver: 'redis' }>
      const base = s.base ? `${s.base}:` : ''
      const { RedisTier } = await import('./redis.js')
      const scope = ctx.scope && { root: `${base}unperf:${ctx.scope.name}:`, id: ctx.scope.id, maxAge: ctx.scope.maxAge }
      // wrap()'s locks: outside the entries' prefix (keys() never lists them), inside the base (RedisTier.lockKey)
      return new RedisTier(s, { prefix: `${base}unperf:${ctx.prefix}:`, lockPrefix: `${base}lock:unperf:${ctx.prefix}:`, encode: ctx.encode, timeoutMs: ctx.timeout, stateDir: ctx.stateDir, scope })
    }
    case 'custom': {
      // the config's StorageDriver is unstorage's Driver by shape (config/types.ts)
      const instance = (spec as { instance: unknown }).instance as import('unstorage').Driver
      const { UnstorageTier } = await import('./unstorage.js')
      return new UnstorageTier(instance.name ?? 'custom', Promise.resolve(instance), `unperf:${ctx.prefix}`, ctx.encode, true, ctx.legacyPrefix && `unperf:${ctx.legacyPrefix}`)
    }
    default: {
      const s = spec as { driver: string; options: Record<string, unknown> }
      const local = s.driver === 'lru-cache' || s.driver === 'memory'
      const { UnstorageTier, loadUnstorageDriver } = await import('./unstorage.js')
      return new UnstorageTier(s.driver, loadUnstorageDriver(s.driver, s.options), `unperf:${ctx.prefix}`, ctx.encode, !local, ctx.legacyPrefix && `unperf:${ctx.legacyPrefix}`)
    }
  }
}

export function namespaceDir(scopeDir: string, namespace: string, encodeName: (n: string) => string): string {
  return join(scopeDir, encodeName(namespace))
}
