/**
 * The problems in the environment blocks of the envs a run is not in, that only the resolver finds
 * (`ttl: 0`, a duration of 0 where one is refused, a misspelt option of a built-in driver, a redis
 * port out of range). The schema already checks every block's shape (an unknown key, a unit
 * missing), but these were found only in the env that applies them: `$env: { ci: { cache: { ttl: 0 } } }`
 * passed every run on a laptop and failed the first CI job. Loaded on the validation path only
 * (a config whose values passed before is not validated again on a warm start).
 */
import type { ConfigIssue } from '../errors.js'
import { pathKeys } from './path-keys.js'
import { fileForPath, mergeLayers, type RawLayer } from './layers.js'
import { resolvePerfConfig } from './resolve.js'
import type { ResolveContext } from './resolver.js'
import type { PerfConfigBase } from './types.js'
import { asWritten, writtenPath } from './validate.js'

const NAMED_BLOCKS = ['$development', '$test', '$production']

/**
 * Each other env a layer has a block for is resolved as if it were the run's; a problem counts when
 * it was written in that env's block (a problem of the layer itself is the run's own, reported by
 * it). A value that is missing there is not one: `url: process.env.REDIS_URL` is unset (or empty)
 * where the block does not apply, and a redis tier's url is checked in the env that uses it.
 */
export function otherEnvIssues(raw: RawLayer[], env: string, overrides: Record<string, unknown> | undefined, ctx: Omit<ResolveContext, 'env' | 'fileFor'>, schemaIssues: ConfigIssue[], overridesName?: string): ConfigIssue[] {
  const issues: ConfigIssue[] = []
  // a key the schema already reported (or one under or over it) is not reported twice
  const reported = (path: string) => schemaIssues.some(s => s.path === path || within(path, s.path) || within(s.path, path))
  // the overrides as written (their env blocks in place): a problem in one of their blocks is found there
  const written = asWritten(raw, overrides)
  for (const other of blockEnvs(raw, overrides)) {
    if (other === env) continue
    const merged = mergeLayers(raw, other, overrides, overridesName)
    let found: ConfigIssue[]
    try {
      found = resolvePerfConfig(merged.config as PerfConfigBase, { ...ctx, env: other, fileFor: fileForPath(merged.layers, ctx.rootDir) }).issues
    } catch {
      // a shape the schema let through but the resolver cannot walk: that env's own run reports it
      continue
    }
    for (const issue of found) {
      // missing there: an unset variable, or one set empty (`REDIS_URL=` in a shell or a CI's env file);
      // the value itself, as a credential's is not in `found` (NotShown)
      const value = valueAt(merged.config, issue.path)
      if (issue.found === undefined || issue.found === '' || value === undefined || value === '') continue
      const path = writtenPath(written, merged.layers, issue.path, other)
      if (path === issue.path || reported(path) || issues.some(i => i.path === path)) continue
      issues.push({ ...issue, path, message: issue.message.replace(`: ${issue.path}:`, `: ${path}:`) })
    }
  }
  return issues
}

// --- internal ---

/** The envs the layers (and the overrides) have a block for: `$test` → test, `$env.ci` → ci. */
function blockEnvs(raw: RawLayer[], overrides: Record<string, unknown> | undefined): Set<string> {
  const envs = new Set<string>()
  for (const config of [overrides, ...raw.map(l => l.config)]) {
    if (!config) continue
    for (const key of NAMED_BLOCKS) if (isObject(config[key])) envs.add(key.slice(1))
    const $env = config.$env
    if (isObject($env)) for (const [name, block] of Object.entries($env)) if (isObject(block)) envs.add(name)
  }
  return envs
}

function valueAt(config: Record<string, unknown>, path: string): unknown {
  let current: unknown = config
  for (const key of pathKeys(path)) current = isObject(current) || Array.isArray(current) ? (current as Record<string, unknown>)[key] : undefined
  return current
}

const within = (path: string, parent: string) => path.startsWith(parent) && (path[parent.length] === '.' || path[parent.length] === '[')

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value)
