/**
 * Loading's validation step (load.ts, step 4) and its errors: every layer's shape (env blocks
 * included) and the merged result against the JSON Schema, the blocks of the other envs, the
 * resolver's problems beside the schema's, each problem at the path and position it is written at.
 * Run only when the config's values were never validated (no snapshot, a changed config, another
 * unperf) or the resolver found a problem: a lazy chunk, so a warm start holds none of it.
 */
import { ConfigError } from '../errors.js'
import { configIssue, type ConfigIssue } from '../errors.js'
import type { PerfConfigBase } from './types.js'
import { layerName, type fileForPath, type RawLayer } from './layers.js'
import { resolvePerfConfig } from './resolve.js'
import { packageInfo } from '../runtime/project.js'
import { readdirSync, statSync, unlinkSync } from 'node:fs'
import { join } from 'node:path'
import { VALIDATED_PREFIX } from './snapshot.js'
import { writeFileNoFollowSync } from '../runtime/write-file-atomic.js'

export interface ValidateLayersInput {
  raw: { layers: RawLayer[]; configFile: string | undefined; snapshotDir?: string }
  merged: { config: Record<string, unknown>; layers: RawLayer[] }
  overrides: Record<string, unknown> | undefined
  rootDir: string
  cwd: string
  env: string
  fileFor: ReturnType<typeof fileForPath>
  /** The values' fingerprint, recorded as validated when they pass (a warm start then skips this). */
  fingerprint: string | undefined
}

/** Throws a ConfigError listing every problem; records the fingerprint as validated when there is none. */
export async function validateLayers({ raw, merged, overrides, rootDir, cwd, env, fileFor, fingerprint }: ValidateLayersInput): Promise<void> {
  const { asWritten, validateConfig, validateLayer, writtenPath } = await import('./validate.js')
  const issues: ConfigIssue[] = []
  for (const layer of merged.layers) issues.push(...validateLayer(layer.config, () => layerName(layer, rootDir), env))
  if (issues.length === 0) issues.push(...validateConfig(merged.config, fileFor))
  // the blocks of the envs this run is not in: what only the resolver finds there (other-envs.ts)
  const { otherEnvIssues } = await import('./other-envs.js')
  const host = packageInfo(rootDir)
  issues.push(...otherEnvIssues(raw.layers, env, overrides, { rootDir, cwd, configFile: raw.configFile, hostName: host.name, hostVersion: host.version }, issues, merged.layers.find(l => l.source === 'overrides')?.name))
  // unstorage driver names (driver-names.ts), in the merged config (at the path written) and in every env block
  const { envBlocksOf, unknownDriverIssues } = await import('./driver-names.js')
  const blocks = raw.layers.flatMap(l => envBlocksOf(l.config, layerName(l, rootDir)))
  // extends are resolved once for every env (the snapshot is env-free), so one in an env block was
  // dropped without a word in every env (c12 alone applies it): an error wherever it is written
  // the overrides too (c12 applies an extends in its own overrides; unperf merges them as values)
  const overridesLayer = merged.layers.find(l => l.source === 'overrides')
  const overridesName = overridesLayer && layerName(overridesLayer, rootDir)
  if (overrides && overridesName && overrides.extends !== undefined) issues.push(configIssue(overridesName, 'extends', "no extends in overrides (they are values above every layer: extend from the config file, or pass the preset's values)", overrides.extends))
  for (const b of [...blocks, ...(overrides && overridesName ? envBlocksOf(overrides, overridesName) : [])]) {
    if (b.config.extends !== undefined) issues.push(configIssue(b.file, `${b.prefix}.extends`, "no extends in an env block (extends apply at a layer's top level only: write it there, or the block's keys themselves)", b.config.extends))
  }
  const drivers = (await unknownDriverIssues(merged.config, fileFor, blocks)).map(i => atWrittenPath(i, writtenPath(asWritten(raw.layers, overrides), merged.layers, i.path, env)))
  if (issues.length > 0 || drivers.length > 0) throw await positioned(raw.layers, rootDir, dedupe([...issues, ...drivers, ...resolverIssuesBeside(issues, merged.config, rootDir, cwd, env, raw.configFile, fileFor).map(i => atWrittenPath(i, writtenPath(asWritten(raw.layers, overrides), merged.layers, i.path, env)))]))
  if (fingerprint) markValidated(raw.snapshotDir!, fingerprint)
}

/** The ConfigError of the resolver's problems (step 5), each at the path and position it was written at: `$env.ci.cache.ttl`, not the merged `cache.ttl`. */
export async function resolverError(issues: ConfigIssue[], raw: RawLayer[], applied: RawLayer[], env: string, rootDir: string, overrides?: Record<string, unknown>): Promise<ConfigError> {
  const { asWritten, writtenPath } = await import('./validate.js')
  return positioned(raw, rootDir, issues.map(i => atWrittenPath(i, writtenPath(asWritten(raw, overrides), applied, i.path, env))))
}

// --- internal ---

const VALIDATED_KEPT = 32

/** Records a validated fingerprint; keeps the newest few (a config whose values change every run must not fill the dir). */
function markValidated(dir: string, fingerprint: string): void {
  try {
    writeFileNoFollowSync(join(dir, VALIDATED_PREFIX + fingerprint), '')
    const markers = readdirSync(dir).filter(n => n.startsWith(VALIDATED_PREFIX))
    if (markers.length <= VALIDATED_KEPT) return
    const byAge = markers.map(n => ({ n, t: statSync(join(dir, n), { throwIfNoEntry: false })?.mtimeMs ?? 0 })).sort((a, b) => a.t - b.t)
    for (const { n } of byAge.slice(0, markers.length - VALIDATED_KEPT)) unlinkSync(join(dir, n))
  } catch {
    // read-only or racing another process: validation simply runs again next time
  }
}


/**
 * The resolver's own problems (ttl: 0, a redis tier without a url, ...) next to the schema's, so
 * that a config with both kinds lists every problem at once. Paths the schema already reported
 * (or that lie under or over one) are left out; a shape too broken to resolve adds nothing.
 */
function resolverIssuesBeside(schemaIssues: ConfigIssue[], config: Record<string, unknown>, rootDir: string, cwd: string, env: string, configFile: string | undefined, fileFor: ReturnType<typeof fileForPath>): ConfigIssue[] {
  const norm = (p: string) => p.replace(/\[(\d+)\]/g, '.$1')
  // a problem in the environment block (`$env.ci.cache.ttl`) is the merged config's `cache.ttl`
  const envBlocks = [`$${env}`, `$env.${env}`, `$env['${env}']`]
  const merged = (p: string) => {
    const block = envBlocks.find(b => p.startsWith(`${b}.`) || p.startsWith(`${b}[`))
    return block ? p.slice(block.length).replace(/^\./, '') : p
  }
  const reported = schemaIssues.map(i => norm(merged(i.path)))
  const overlaps = (path: string) => {
    const p = norm(path)
    return reported.some(r => r === '(root)' || r === '(file)' || p === r || p.startsWith(`${r}.`) || r.startsWith(`${p}.`))
  }
  try {
    const host = packageInfo(rootDir)
    const { issues } = resolvePerfConfig(config as PerfConfigBase, { rootDir, cwd, env, configFile, hostName: host.name, hostVersion: host.version, fileFor })
    return issues.filter(i => !overlaps(i.path))
  } catch {
    return []
  }
}

function atWrittenPath(issue: ConfigIssue, path: string): ConfigIssue {
  return path === issue.path ? issue : { ...issue, path, message: issue.message.replace(`: ${issue.path}:`, `: ${path}:`) }
}

/** The ConfigError of these issues, each with the line and column its key is written at when found (issue-positions.ts). */
async function positioned(layers: RawLayer[], rootDir: string, issues: ConfigIssue[]): Promise<ConfigError> {
  const { withPositions } = await import('./issue-positions.js')
  return new ConfigError(inFileOrder(await withPositions(issues, layers, rootDir), layers, rootDir))
}

/**
 * The issues as their keys are written: by file (the layers' order, highest priority first), then
 * line and column; an issue without a position after its file's positioned ones, in the order found.
 * They came in the order of the checks (the schema's, the other envs', the resolver's): a `ttl: 0`
 * on line 5 was listed after an unknown key on line 11.
 */
function inFileOrder(issues: ConfigIssue[], layers: RawLayer[], rootDir: string): ConfigIssue[] {
  const files = layers.map(l => layerName(l, rootDir))
  const fileRank = (file: string) => { const i = files.indexOf(file); return i < 0 ? files.length : i }
  return issues
    .map((issue, found) => ({ issue, found, file: fileRank(issue.file) }))
    .sort((a, b) => a.file - b.file || (a.issue.line ?? Infinity) - (b.issue.line ?? Infinity) || (a.issue.column ?? 0) - (b.issue.column ?? 0) || a.found - b.found)
    .map(({ issue }) => issue)
}

function dedupe(issues: ConfigIssue[]): ConfigIssue[] {
  const seen = new Set<string>()
  return issues.filter(i => (seen.has(i.message) ? false : (seen.add(i.message), true)))
}
