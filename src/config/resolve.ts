/**
 * Turns a validated, merged config into the ResolvedPerfConfig: units to numbers, defaults filled,
 * paths absolute. One resolver per top-level key (nitro style). Unit problems are collected as issues.
 */
import { join } from 'node:path'
import type { ConfigIssue } from '../errors.js'
import { platformCacheDir, projectId } from '../runtime/project.js'
import { DEFAULTS } from './defaults.js'
import { keyPath } from './key-path.js'
import { resolveCache, resolveTiers } from './resolve-cache.js'
import { resolveConcurrency } from './resolve-concurrency.js'
import { resolveMonitors } from './resolve-monitors.js'
import { Resolver, type ResolveContext } from './resolver.js'
import type {
  PerfConfigBase, ResolvedBudgetsConfig, ResolvedCacheConfig, ResolvedPerfConfig, ResolvedPluginRef, ResolvedReportConfig,
} from './types.js'

export function resolvePerfConfig(input: PerfConfigBase, ctx: ResolveContext): { config: ResolvedPerfConfig; issues: ConfigIssue[] } {
  const r = new Resolver(ctx)
  const name = input.name ?? ctx.hostName ?? 'unperf-app'
  const version = input.version ?? ctx.hostVersion ?? '0.0.0'
  const cache = resolveCache(r, input, name)
  const config: ResolvedPerfConfig = {
    name,
    version,
    rootDir: ctx.rootDir,
    cwd: ctx.cwd,
    env: ctx.env,
    configFile: ctx.configFile,
    cache,
    concurrency: resolveConcurrency(r, input),
    budgets: resolveBudgets(r, input),
    monitors: resolveMonitors(r, input, name),
    report: resolveReport(r, input, name, cache),
    plugins: resolvePlugins(input),
    bundlePlugins: input.bundlePlugins === true,
    hooks: { ...input.hooks },
  }
  return { config, issues: r.issues }
}

// --- resolvers, one per key (cache, concurrency, monitors: resolve-<key>.ts) ---

function resolveBudgets(r: Resolver, input: PerfConfigBase): ResolvedBudgetsConfig {
  const b = input.budgets ?? {}
  const commands: ResolvedBudgetsConfig['commands'] = {}
  for (const [name, c] of Object.entries(b.commands ?? {})) {
    if (c === undefined) continue // an entry set to undefined is absent (validate.ts)
    const path = keyPath('budgets.commands', name)
    commands[name] = {
      ...(c.duration !== undefined && { duration: r.duration(c.duration, `${path}.duration`) }),
      ...(c.p95 !== undefined && { p95: r.duration(c.p95, `${path}.p95`) }),
      ...(c.memory !== undefined && { memory: r.size(c.memory, `${path}.memory`) }),
    }
  }
  return {
    mode: b.mode ?? DEFAULTS.budgets.mode,
    ...(b.startup !== undefined && { startup: r.duration(b.startup, 'budgets.startup') }),
    ...(b.memory !== undefined && { memory: r.size(b.memory, 'budgets.memory') }),
    ...(b.cacheHitRate !== undefined && { cacheHitRate: b.cacheHitRate }),
    commands,
    files: (b.files ?? []).map((f, i) => ({
      path: f.path,
      limit: r.size(f.limit, `budgets.files[${i}].limit`),
      compression: f.compression ?? 'none',
    })),
    regressions: b.regressions ?? DEFAULTS.budgets.regressions,
  }
}

function resolveReport(r: Resolver, input: PerfConfigBase, name: string, cache: ResolvedCacheConfig): ResolvedReportConfig {
  const o = input.report ?? {}
  const d = DEFAULTS.report
  const dir = o.dir ? r.path(o.dir, 'report.dir') : join(platformCacheDir(name), 'reports', projectId(r.ctx.cwd, cache.scope, r.ctx.cwdPackage))
  return {
    console: o.console ?? d.console,
    dir,
    history: o.history ?? d.history,
    ...(o.historyDriver !== undefined && { historyDriver: resolveTiers(r, o.historyDriver, 'report.historyDriver', join(dir, 'history-store'))[0]! }),
    trace: o.trace ?? d.trace,
  }
}

function resolvePlugins(input: PerfConfigBase): ResolvedPluginRef[] {
  return (input.plugins ?? []).map(entry => {
    if (Array.isArray(entry)) return { plugin: entry[0], options: { ...entry[1] } }
    return { plugin: entry, options: {} }
  })
}
