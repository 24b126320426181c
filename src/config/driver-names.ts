/**
 * Loading's check of the unstorage drivers a config names (`{ driver: 'lru-cache', ...options }`):
 * a name unstorage has not is a config error, as a misspelt key is. It passed validation and was
 * found on the tier's first use (a warning, the tier skipped: commands ran without it) or by
 * `unperf doctor`. Only the name is checked, against unstorage's own list of its drivers; the
 * driver is not imported (its package may be an optional one: doctor and the tier's first use
 * say when it is not installed). Part of validation, which a warm start skips (validate-layers.ts).
 */
import type { ConfigIssue } from '../errors.js'
import { configIssue } from '../config-issue.js'
import { didYouMean } from './did-you-mean.js'
import { keyPath } from './key-path.js'

type Obj = Record<string, unknown>

/** Where unperf's own drivers are: not unstorage's to know. */
const OWN = new Set(['memory', 'fs', 'redis'])

/** A config's env block as written (`$env.ci`, `$development`) in a layer's file: its drivers are checked in every env. */
export interface EnvBlock { file: string; prefix: string; config: Obj }

/**
 * An issue at `<tier>.driver` for each driver name unstorage has no driver of: in `config` (merged,
 * before resolution; `fileFor` names the layer that set a path) and in each env block, this run's or
 * not (a typo in `$env.ci` would otherwise pass until the CI run).
 */
export async function unknownDriverIssues(config: Obj, fileFor: (path: string) => string, blocks: EnvBlock[]): Promise<ConfigIssue[]> {
  const named = [
    ...driverSpecs(config, '').map(([path, spec]) => [fileFor(`${path}.driver`), path, spec] as const),
    ...blocks.flatMap(b => driverSpecs(b.config, b.prefix).map(([path, spec]) => [b.file, path, spec] as const)),
  ].filter(([, , spec]) => !OWN.has(spec.driver))
  if (named.length === 0) return []
  const { builtinDrivers } = await import('unstorage')
  // the names `unstorage/drivers/<name>` imports (its list also has camelCase aliases, which do not)
  const names = Object.keys(builtinDrivers).filter(n => /^[a-z0-9-]+$/.test(n))
  // unperf's own tiers said apart from unstorage's drivers: 'reddis' meant unperf's redis tier, and
  // was said to expect "an unstorage driver's name" with unstorage's own 'redis' among them
  const theirs = names.filter(n => !OWN.has(n)).join(', ')
  return named.filter(([, , spec]) => !names.includes(spec.driver)).map(([file, path, spec]) =>
    configIssue(file, `${path}.driver`, `'memory', 'fs', 'redis' (unperf's tiers) or an unstorage driver's name${didYouMean(spec.driver, [...OWN, ...names])} (unstorage's: ${theirs}; a driver of your own goes in as an instance)`, spec.driver))
}

/** The env blocks of a layer's config as written: `$development`, `$test`, `$production`, `$env.<name>`. */
export function envBlocksOf(config: Obj, file: string): EnvBlock[] {
  const blocks: EnvBlock[] = []
  for (const [key, value] of Object.entries(config)) {
    if (key === '$env' && isObj(value)) for (const [name, block] of Object.entries(value)) { if (isObj(block)) blocks.push({ file, prefix: keyPath('$env', name), config: block }) }
    else if (key.startsWith('$') && key !== '$schema' && key !== '$meta' && isObj(value)) blocks.push({ file, prefix: key, config: value })
  }
  return blocks
}

// --- internal ---

/** Each `{ driver: name, ... }` tier with its key path: the cache's, each namespace's, report.historyDriver. */
function driverSpecs(config: Obj, prefix: string): Array<[string, { driver: string }]> {
  const specs: Array<[string, { driver: string }]> = []
  const add = (value: unknown, path: string) => {
    if (Array.isArray(value)) value.forEach((v, i) => add(v, `${path}[${i}]`))
    // an instance (getItem) is the user's own driver, whatever its `driver` field says
    else if (isObj(value) && typeof value.driver === 'string' && typeof value.getItem !== 'function') specs.push([path, value as { driver: string }])
  }
  const cache = isObj(config.cache) ? config.cache : undefined
  const at = (path: string) => keyPath(prefix, path)
  add(cache?.driver, `${at('cache')}.driver`)
  if (isObj(cache?.namespaces)) for (const [name, ns] of Object.entries(cache.namespaces)) if (isObj(ns)) add(ns.driver, `${keyPath(`${at('cache')}.namespaces`, name)}.driver`)
  if (isObj(config.report)) add(config.report.historyDriver, `${at('report')}.historyDriver`)
  return specs
}

const isObj = (value: unknown): value is Obj => typeof value === 'object' && value !== null && !Array.isArray(value)
