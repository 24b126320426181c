/**
 * Builds a namespace's tiers from the resolved driver specs, and guards remote tiers: every call
 * is bounded by `cache.timeout`; a tier that errors or times out is marked down and skipped,
 * retried after a backoff (1 s doubling to 30 s), so a dead or frozen Redis never hangs the CLI.
 */
import { join } from 'node:path'
import type { ResolvedDriverSpec } from '../config/types.js'
import { TimeoutError } from '../errors.js'
import type { EncodeOptions } from './envelope.js'
import { FsTier } from './fs.js'
import { MemoryTier } from './memory.js'
import { RedisTier } from './redis.js'
import type { Tier } from './types.js'
import { UnstorageTier, loadUnstorageDriver } from './unstorage.js'

export interface TierContext {
  /** `<name>:<scope>:<namespace>` for remote prefixes. */
  prefix: string
  /** fs directory of this namespace inside the scope. */
  fsDir: (base: string) => string
  encode: EncodeOptions
  timeout: number
}

export function createTier(spec: ResolvedDriverSpec, ctx: TierContext): Tier {
  switch (spec.driver) {
    case 'memory':
      return new MemoryTier()
    case 'fs':
      return new FsTier(ctx.fsDir((spec as { base: string }).base), ctx.encode)
    case 'redis': {
      const s = spec as Extract<ResolvedDriverSpec, { driver: 'redis' }>
      return new RedisTier(s, `${s.base ? `${s.base}:` : ''}unperf:${ctx.prefix}:`, ctx.encode, ctx.timeout)
    }
    case 'custom': {
      const instance = (spec as { instance: import('unstorage').Driver }).instance
      return new UnstorageTier(instance.name ?? 'custom', Promise.resolve(instance), `unperf:${ctx.prefix}`, ctx.encode, true)
    }
    default: {
      const s = spec as { driver: string; options: Record<string, unknown> }
      const local = s.driver === 'lru-cache' || s.driver === 'memory'
      return new UnstorageTier(s.driver, loadUnstorageDriver(s.driver, s.options), `unperf:${ctx.prefix}`, ctx.encode, !local)
    }
  }
}

/** Per-tier health for remote tiers. */
export class TierGuard {
  private _downUntil = 0
  private _failures = 0
  /** The first call of a process also covers connecting: it gets at least 1 s. */
  private _connected = false

  constructor(readonly tier: Tier, private readonly _timeout: number, private readonly _onDown: (tier: Tier, error: unknown) => void) {}

  get up(): boolean {
    return !this.tier.remote || Date.now() >= this._downUntil
  }

  /** Runs op bounded by the timeout (remote tiers); errors and timeouts mark the tier down. */
  async call<T>(op: (tier: Tier) => Promise<T>): Promise<T> {
    if (!this.tier.remote) return op(this.tier)
    let timer: NodeJS.Timeout | undefined
    try {
      const result = await Promise.race([
        op(this.tier),
        new Promise<never>((_, reject) => {
          // not unref'd: the remote client's socket is unref'd (an idle connection must not keep a CLI
          // alive), so this timer is what keeps the process up while a call is in flight, at most `timeout`
          const limit = this._connected ? this._timeout : Math.max(this._timeout, 1000)
          timer = setTimeout(() => reject(new TimeoutError(`${this.tier.kind} cache tier`, limit)), limit)
        }),
      ])
      this._failures = 0
      this._connected = true
      return result
    } catch (error) {
      if ((error as { code?: string }).code !== 'E_CORRUPT') {
        this._failures++
        this._downUntil = Date.now() + Math.min(30_000, 1000 * 2 ** Math.min(this._failures - 1, 5))
        this._onDown(this.tier, error)
      }
      throw error
    } finally {
      if (timer) clearTimeout(timer)
    }
  }
}

export function namespaceDir(scopeDir: string, namespace: string, encodeName: (n: string) => string): string {
  return join(scopeDir, encodeName(namespace))
}
