import { createHookRegistry } from '../../src/hooks/registry.js'
import type { RuntimeContext } from '../../src/runtime/_internal.js'
import type { ResolvedPerfConfig, ResolvedPoolConfig } from '../../src/config/types.js'

/** A RuntimeContext with just what pools and workers read. */
export function runtimeContext(pools: Record<string, ResolvedPoolConfig> = {}, workers: Partial<ResolvedPerfConfig['concurrency']['workers']> = {}): RuntimeContext {
  const config = {
    concurrency: { default: 4, pools, workers: { max: 2, idleTimeout: 200, timeout: false, retries: 0, ...workers } },
  } as unknown as ResolvedPerfConfig
  return { config, hooks: createHookRegistry(), warn: () => {} }
}
export const pool = (o: Partial<ResolvedPoolConfig> = {}): ResolvedPoolConfig => ({ concurrency: 2, timeout: false, retries: 0, backoff: 1, maxBackoff: 10, ...o })
