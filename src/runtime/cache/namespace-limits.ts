/**
 * One namespace's tiers kept within their limits after writes: the namespace's maxSize (a memory
 * tier's policy evicts as it writes; fs and the others in the background), an occasional sweep of
 * expired entries (fs: at most hourly across processes; memory: every so many writes), then the
 * cap over all namespaces (budget.ts). Evictions are reported as the namespace's.
 */
import type { ResolvedNamespaceConfig } from '../../config/types.js'
import { MemoryTier } from '../../drivers/memory.js'
import { now } from '../clock.js'
import type { TierGuard } from '../../drivers/tier-guard.js'
import type { NamespaceEvents } from './namespace-events.js'
import type { NamespaceHost } from './namespace-host.js'

/** The fewest writes between two sweeps of a memory tier's expired entries (see memory()). */
const MEMORY_SWEEP_WRITES = 1000

/**
 * A process asks its tiers again whether a sweep is due (fs: the `.swept` marker over an hour old)
 * once this many writes or ms have passed since it last asked: a long-running process (a dev
 * server, a watcher) asked only at its first write, so expired entries nobody read again piled up
 * until maxSize evicted them (72 000 files of 100 ms entries in 2 min: 286 MB of 4 KiB blocks on
 * disk for a 5 MB namespace, ≈ 150 B of heap each in the LRU index). Asking costs one stat.
 */
const SWEEP_ASK_WRITES = 1000
const SWEEP_ASK_MS = 60_000

export class NamespaceLimits {
  /** Writes left, and the time (runtime clock), before the tiers are asked again whether a sweep is due. */
  private _sweepAskIn = 0
  private _sweepAskAt = 0
  /** Writes to the memory tier left before its next sweep of expired entries. */
  private _memorySweepIn = MEMORY_SWEEP_WRITES

  constructor(
    private readonly _config: ResolvedNamespaceConfig,
    private readonly _host: NamespaceHost,
    private readonly _events: NamespaceEvents,
    /** The namespace's stale window (NamespaceTiers.staleFor): a sweep keeps the entries within it. */
    private readonly _staleFor: number,
  ) {}

  /** After a write to `guards`: each tier kept within its limits, the first write (and one a while after) also sweeping expired entries. */
  afterWrite(guards: TierGuard[]): void {
    // the first write of a process and namespace, then one every SWEEP_ASK_WRITES writes or
    // SWEEP_ASK_MS, lets the tier sweep expired entries if one is due (fs: at most hourly, across
    // processes); its prune() also enforces maxSize
    const sweep = this.sweepAsked()
    for (const g of guards) {
      if (!g.up) continue
      if (g.tier instanceof MemoryTier) {
        // synchronous, and nothing to do (no allocation) while under the limits
        this.memory(g.tier)
        continue
      }
      const run = sweep && g.tier.sweep ? g.tier.sweep(this._config.maxSize, Date.now(), this._staleFor) : g.tier.enforce?.(this._config.maxSize)
      if (!run) continue
      const budget = g.tier.kind === 'fs' ? this._host.budget : undefined
      this._host.track(run.then(
        removed => {
          for (const r of removed) this._events.evicted(r.key, r.reason, r.size, g.tier)
          // then the cap over all namespaces
          return budget?.enforceFs()
        },
      ).catch(error => this._events.report('E_EVICT', undefined, error, g.tier)))
    }
  }

  private sweepAsked(): boolean {
    if (--this._sweepAskIn > 0 && now() < this._sweepAskAt) return false
    this._sweepAskIn = SWEEP_ASK_WRITES
    this._sweepAskAt = now() + SWEEP_ASK_MS
    return true
  }

  /** The namespace's limit (the policy evicts as it writes: this reports it), then the shared cap. */
  memory(tier: MemoryTier): void {
    // expired entries nobody reads again (a service's abandoned sessions, one key per login) stayed
    // until maxSize evicted them: hundreds of MB of heap. Swept once as many writes as the tier held
    // entries at its last sweep have come (at least 1 000): one pass per that many writes, O(1) each
    if (--this._memorySweepIn <= 0) {
      for (const r of tier.sweepSync(Date.now(), this._staleFor)) this._events.evicted(r.key, r.reason, r.size, tier)
      this._memorySweepIn = Math.max(MEMORY_SWEEP_WRITES, tier.policy.count)
    }
    for (const r of tier.enforceSync(this._config.maxSize)) this._events.evicted(r.key, r.reason, r.size, tier)
    this._host.budget.enforceMemory()
  }
}
