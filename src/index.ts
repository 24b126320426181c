/**
 * unperf: configuration-driven performance for Node.js CLIs.
 */
export { createPerf } from './runtime/perf.js'
export { getPerf, tryGetPerf } from './runtime/current.js'
export { loadPerfConfig, loadPerfConfigLayers } from './config/load.js'
export type { LoadPerfConfigOptions, LoadedPerfConfig, PerfConfigLayerInfo } from './config/load.js'
export { definePerfConfig } from './config/index.js'
export { definePerfPlugin } from './hooks/define-plugin.js'
export { parseDuration, parseSize, formatBytes, formatDuration, formatMetric } from './config/units.js'
export {
  PerfError, ConfigError, TimeoutError, CycleError, GraphError, MissingDependencyError, NamespaceAccessError, PluginError, UsageError, MetricError,
} from './errors.js'
export type { ConfigIssue } from './errors.js'
export { PERF_HOOK_NAMES } from './hooks/types.js'

export type * from './config/types.js'
export type * from './runtime/types.js'
export type {
  PerfHooks, PerfHookName, PerfHookHandlers, PerfHookRegistry, CommandContext, CommandResult,
  CacheEventPayload, CacheEvictPayload, CacheErrorPayload, TaskEventPayload, TaskEndPayload, TaskErrorPayload, TaskRetryPayload, MonitorSample, MonitorSystemSample, MonitorAlert,
} from './hooks/types.js'
export type { PerfPlugin, PerfPluginCache, PerfPluginContext } from './hooks/plugin-types.js'
