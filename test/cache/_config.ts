/**
 * A real cache manager over real tiers with a hand-built resolved config. No vitest imports: child
 * processes of the multi-process tests bundle this file with esbuild.
 */
import { createHookRegistry } from '../../src/hooks/registry.js'
import { resolveTiers } from '../../src/config/resolve-cache.js'
import { createCacheManager } from '../../src/runtime/cache/index.js'
import { basename, join } from 'node:path'
import type { CachePolicy, DriverConfig, ResolvedPerfConfig, ResolvedNamespaceConfig } from '../../src/config/types.js'

export interface ManagerOptions {
  driver?: DriverConfig
  ttl?: number | false
  maxSize?: number
  policy?: CachePolicy
  compress?: number | false
  swr?: number | false
  staleIfError?: number | false
  timeout?: number
  enabled?: boolean
  namespaces?: Record<string, Partial<ResolvedNamespaceConfig>>
  dir: string
  cwd: string
  /** @default derived from cwd, so managers on one temp project share a scope and others never meet on the shared redis */
  scope?: string
  /** @default 'test-cli' */
  name?: string
  /** @default '1.0.0' (a new one: a new scope) */
  version?: string
  /** ms @default 7 days */
  scopeMaxAge?: number
}

export function buildManager(o: ManagerOptions) {
  const { dir, cwd } = o
  const issues: string[] = []
  const tiers = resolveTiers({ issue: (p, e) => issues.push(`${p}: ${e}`), path: p => p }, o.driver ?? 'fs', 'cache.driver', dir)
  const root = {
    ttl: o.ttl ?? 60_000, driver: tiers.map(t => t.driver), tiers, maxSize: o.maxSize ?? 200e6, policy: o.policy ?? 'lru', swr: o.swr ?? false, staleIfError: o.staleIfError ?? false,
    sliding: false, compress: o.compress ?? 4000, integrity: true,
  }
  const namespaces: Record<string, ResolvedNamespaceConfig> = {}
  for (const [n, c] of Object.entries(o.namespaces ?? {})) namespaces[n] = { ...root, ...c }
  const config = {
    name: o.name ?? 'test-cli', version: o.version ?? '1.0.0', cwd, rootDir: cwd, env: 'test',
    cache: {
      enabled: o.enabled ?? true, dir, ...root, timeout: o.timeout ?? 250, scope: o.scope ?? `test-${basename(cwd)}`, scopeMaxAge: o.scopeMaxAge ?? 7 * 86_400_000,
      invalidate: { version: true, files: [] }, namespaces,
    },
    // a resolved config always has one: the cache's unwritable-dir warning looks at it
    report: { dir: join(cwd, '.perf-reports') },
  } as unknown as ResolvedPerfConfig
  const hooks = createHookRegistry()
  const warnings: string[] = []
  const seen = new Set<string>()
  // the same once-per-code rule as the runtime's warn
  const m = createCacheManager({ config, hooks, warn: (code, msg) => { if (!seen.has(code)) { seen.add(code); warnings.push(`${code}: ${msg}`) } } })
  return { m, cache: m.root, hooks, warnings, dir, cwd, config, issues }
}
