import { createHookRegistry, type PerfHookRegistryImpl } from '../../src/hooks/registry.js'
import type { RuntimeContext } from '../../src/runtime/_internal.js'
import type { ResolvedMonitorsConfig, ResolvedPerfConfig } from '../../src/config/types.js'
import type { MetricsSources } from '../../src/runtime/_internal.js'

/** A resolved monitors config with every sampler on and nothing exported. */
export function monitorsConfig(overrides: Partial<ResolvedMonitorsConfig> = {}): ResolvedMonitorsConfig {
  return {
    enabled: true, interval: 1000, eventLoop: true, memory: true, cpu: true, gc: true, system: false,
    alerts: {}, prometheus: false, opentelemetry: false, ...overrides,
  }
}

/** A RuntimeContext with just what monitors read; warnings collected in `warnings`. */
export function monitorContext(overrides: Partial<ResolvedMonitorsConfig> = {}): RuntimeContext & { hooks: PerfHookRegistryImpl; warnings: string[] } {
  const config = { name: 'acme-cli', version: '1.0.0', monitors: monitorsConfig(overrides) } as unknown as ResolvedPerfConfig
  const warnings: string[] = []
  return { config, hooks: createHookRegistry(), warn: (_code, message) => { warnings.push(message) }, warnings }
}

/** Sources with nothing recorded, or what the test gives. */
export function emptySources(overrides: Partial<MetricsSources> = {}): MetricsSources {
  const zero = { hits: 0, misses: 0, stale: 0, sets: 0, deletes: 0, evictions: 0, errors: 0, hitRate: 0 }
  return {
    cache: () => ({ ...zero, namespaces: {} }),
    pools: () => [],
    commandTotals: () => new Map(),
    budgetBreaches: () => 0,
    lastSample: () => undefined,
    ...overrides,
  }
}
