/**
 * What a cache namespace asks of the cache that opened it (cache/index.ts): the run's context, the
 * cap over all namespaces, its tiers once the scope is known, the other namespaces, and the
 * background work close() waits for.
 */
import type { ResolvedNamespaceConfig } from '../../config/types.js'
import type { Tier } from '../../drivers/types.js'
import type { RuntimeContext } from '../_internal.js'
import type { PerfCache } from '../types.js'
import type { CacheBudget } from './budget.js'

export interface NamespaceHost {
  ctx: RuntimeContext
  /** The cap over all namespaces (`cache.maxSize`). */
  budget: CacheBudget
  /** Builds this namespace's tiers once the scope is known. */
  tiers(namespace: string, config: ResolvedNamespaceConfig): Promise<Tier[]>
  /**
   * The same tiers made at once, when nothing is to be awaited (the scope resolved and marked used,
   * memory and fs tiers only): the namespaces opened after the first (20 plugins' own) read without
   * a build's promises. Undefined: tiers() builds them.
   */
  tiersNow?(namespace: string, config: ResolvedNamespaceConfig): Tier[] | undefined
  namespace(name: string): PerfCache
  /** Every namespace: the default one, the configured ones, those opened in this process and those on disk. */
  namespaces(): Promise<string[]>
  track(promise: Promise<unknown>): void
  /** Work close() waits for to its end (an swr revalidation: fn's call, deferred past the command, with its write). */
  awaitOnClose(promise: Promise<unknown>): void
}
