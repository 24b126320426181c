/**
 * Validates a merged config against schema/perf.config.schema.json (the subset of JSON Schema
 * it uses; a node's `description` is the phrase for "expected" in messages). Lists every problem with its file and key path;
 * unknown keys get a did-you-mean; prototype-polluting keys are refused. It reads that schema as
 * validator-schema.json, written beside it by scripts/schema-source.mjs without the editors'
 * documentation (each key's doc comment as its `description`, which is not a phrase of what is expected).
 */
import schemaJson from './validator-schema.json' with { type: 'json' }
import { configIssue, type ConfigIssue } from '../errors.js'
import { didYouMean } from './did-you-mean.js'
import { keyPath } from './key-path.js'
import { pathKeys } from './path-keys.js'
import type { RawLayer } from './layers.js'

interface Schema {
  type?: string | string[]
  properties?: Record<string, Schema>
  additionalProperties?: boolean | Schema
  propertyNames?: Schema
  required?: string[]
  enum?: unknown[]
  const?: unknown
  items?: Schema | false
  prefixItems?: Schema[]
  minItems?: number
  maxItems?: number
  anyOf?: Schema[]
  minimum?: number
  maximum?: number
  minLength?: number
  pattern?: string
  $ref?: string
  $defs?: Record<string, Schema>
  description?: string
  $comment?: string
}

/** How the schema marks a function-valued node (scripts/schema-source.mjs). */
const FUNCTION_COMMENT = 'a function (perf.config.ts/.js only: JSON cannot hold one)'
/** The unstorage driver instance branch: an object that requires `getItem`. */
const isDriverInstance = (s: Schema) => s.required?.length === 1 && s.required[0] === 'getItem'

const ROOT = schemaJson as unknown as Schema
/** An env block's shape ($development, $env.<name>): a layer without `extends`, which is the top level's alone. */
const ENV_BLOCK = ROOT.$defs!.layer!
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype'])
const patternCache = new Map<string, RegExp>()

/** Which file a key path came from (for messages). */
export type FileForPath = (path: string) => string

export function validateConfig(config: unknown, fileFor: FileForPath): ConfigIssue[] {
  const issues: ConfigIssue[] = []
  check(config, ROOT, '', issues, fileFor)
  return issues
}

/**
 * A layer with its environment block applied (`{ ...$<env>, ...$env[<env>] }` merged over it): a
 * bad value in the block is reported once, at its own path (`$env.ci.cache.ttl`), not a second
 * time at the path it was merged to (`cache.ttl`).
 */
export function validateLayer(config: unknown, fileFor: FileForPath, env: string): ConfigIssue[] {
  // a value missing from another env's block (`pushgateway: process.env.PUSHGATEWAY_URL`, unset or
  // empty off CI) is checked in the env that applies the block, as other-envs.ts does
  const issues = validateConfig(config, fileFor).filter(i => !((i.found === undefined || i.found === '') && inOtherEnvBlock(i.path, env)))
  if (issues.length < 2) return issues
  // (an unknown key's list of the known ones left out: an env block's lacks `extends`, the top level's has it)
  const tail = (i: ConfigIssue) => i.message.slice(i.message.indexOf(i.path) + i.path.length).replace(/ \(one of [^)]*\)/, '')
  const inBlock = new Set<string>()
  for (const i of issues) {
    const keys = pathKeys(i.path)
    const rest = keys[0] === `$${env}` ? keys.slice(1) : keys[0] === '$env' && keys[1] === env ? keys.slice(2) : undefined
    if (rest && rest.length > 0) inBlock.add(`${rest.join('\u0000')}\u0001${tail(i)}`)
  }
  return inBlock.size === 0 ? issues : issues.filter(i => i.path.startsWith('$') || !inBlock.has(`${pathKeys(i.path).join('\u0000')}\u0001${tail(i)}`))
}

/**
 * The layers as written with the overrides (their env blocks in place) first, for writtenPath(): a
 * problem of an overrides' env block is found there (`$env.ci.cache.ttl`); without them it was told
 * at the merged path (`cache.ttl`), or, in another env's block, dropped.
 */
export function asWritten(raw: RawLayer[], overrides: Record<string, unknown> | undefined): RawLayer[] {
  return overrides ? [{ source: 'overrides', config: overrides }, ...raw] : raw
}

/**
 * The path a resolved key was written at: `$env.ci.cache.ttl` (or `$development.cache.ttl`) when
 * the highest-priority layer that sets `path` set it in its environment block, else `path`.
 * `raw` and `applied` are the same layers before and after the environment block was applied;
 * a missing key (a redis tier's `url`) is placed by the nearest key above it that is set.
 */
export function writtenPath(raw: RawLayer[], applied: RawLayer[], path: string, env: string): string {
  let parts = pathKeys(path)
  let layer: RawLayer | undefined
  while (parts.length > 0 && !(layer = applied.find(l => hasPath(l.config, parts)))) parts = parts.slice(0, -1)
  const before = layer && raw.find(l => l.source === layer!.source && l.file === layer!.file)
  if (!before) return path
  const join = (block: string) => `${block}${path.startsWith('[') ? '' : '.'}${path}`
  if (hasPath((before.config.$env as Record<string, unknown> | undefined)?.[env], parts)) return join(keyPath(keyPath('', '$env'), env))
  if (hasPath(before.config[`$${env}`], parts)) return join(keyPath('', `$${env}`))
  return path
}

/** `$test.cache.ttl` when the env is not test, `$env.ci.cache.ttl` when it is not ci. */
function inOtherEnvBlock(path: string, env: string): boolean {
  const keys = pathKeys(path)
  if (keys[0] === '$env') return keys.length > 2 && keys[1] !== env
  return keys.length > 1 && keys[0] !== `$${env}` && ['$development', '$test', '$production'].includes(keys[0]!)
}

function hasPath(obj: unknown, parts: string[]): boolean {
  let current: unknown = obj
  for (const part of parts) {
    if (current === null || typeof current !== 'object' || !Object.prototype.hasOwnProperty.call(current, part)) return false
    current = (current as Record<string, unknown>)[part]
  }
  return true
}

function deref(schema: Schema): Schema {
  let s = schema
  while (s.$ref) {
    const name = s.$ref.replace('#/$defs/', '')
    s = ROOT.$defs![name]!
  }
  return s
}

/** The last key of a key path, as written in the config: `cache` of `$test.cache`. */
function lastKey(path: string): string {
  const keys = pathKeys(path)
  return keys[keys.length - 1] ?? path
}

function typeOf(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'array'
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number'
  return typeof value
}

function typeMatches(value: unknown, type: string | string[]): boolean {
  const actual = typeOf(value)
  const types = Array.isArray(type) ? type : [type]
  return types.some(t => t === actual || (t === 'number' && actual === 'integer'))
}

function describe(schema: Schema): string {
  const s = deref(schema)
  if (s.description && s !== ROOT) return s.description
  if (s.enum) return `one of ${s.enum.map(v => (typeof v === 'string' ? `'${v}'` : String(v))).join(', ')}`
  if (s.const !== undefined) return JSON.stringify(s.const)
  if (s.type === 'integer') return s.minimum !== undefined ? `an integer ≥ ${s.minimum}${s.maximum !== undefined ? ` and ≤ ${s.maximum}` : ''}` : 'an integer'
  if (s.type === 'number') return s.minimum !== undefined && s.maximum !== undefined ? `a number from ${s.minimum} to ${s.maximum}` : 'a number'
  if (s.type === 'string') return 'a string'
  if (s.type === 'boolean') return 'true or false'
  if (s.type === 'array') return 'an array'
  if (s.type === 'object') return 'an object'
  if (Array.isArray(s.type)) return s.type.join(' or ')
  return 'a valid value'
}

/** Returns true when valid; pushes issues only when `issues` is given. */
function check(value: unknown, schema: Schema, path: string, issues: ConfigIssue[] | undefined, fileFor: FileForPath): boolean {
  const s = deref(schema)
  const fail = (expected: string, found: unknown = value): false => {
    issues?.push(configIssue(fileFor(path), path || '(root)', expected, found))
    return false
  }
  if (s.$comment === FUNCTION_COMMENT) return typeof value === 'function' || fail(describe(s))
  if (isDriverInstance(s)) {
    return (value !== null && typeof value === 'object' && typeof (value as { getItem?: unknown }).getItem === 'function') || fail(describe(s))
  }
  if (s.anyOf) {
    // a tuple's optional last item set to undefined is absent, as TypeScript's `[plugin, options?]`
    // takes `['./p.mjs', ci ? { level: 2 } : undefined]`
    if (Array.isArray(value) && value.length > 1 && value[value.length - 1] === undefined && s.anyOf.some(b => deref(b).prefixItems)) {
      return check(value.slice(0, -1), schema, path, issues, fileFor)
    }
    for (const option of s.anyOf) if (check(value, option, path, undefined, fileFor)) return true
    // When exactly one object branch could apply, report its inner problems (more precise).
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      const objectBranches = s.anyOf.map(deref).filter(b => b.type === 'object' && b.properties && !isDriverInstance(b))
      const keyed = objectBranches.filter(b => (b.required ?? Object.keys(b.properties!)).some(k => k in (value as object)))
      if (keyed.length === 1) return check(value, keyed[0]!, path, issues, fileFor)
    }
    if (Array.isArray(value)) {
      const arrayBranch = s.anyOf.map(deref).find(b => b.type === 'array')
      if (arrayBranch && !arrayBranch.prefixItems) return check(value, arrayBranch, path, issues, fileFor)
      // tuples of several lengths (a plugin entry: [plugin] or [plugin, options]): the one of this
      // length names the item that is wrong (`plugins[0][1]`), not the whole entry ("got an array")
      const tuples = s.anyOf.map(deref).filter(b => b.type === 'array' && b.prefixItems && value.length >= (b.minItems ?? 0) && value.length <= (b.maxItems ?? Infinity))
      if (tuples.length === 1) return check(value, tuples[0]!, path, issues, fileFor)
    }
    return fail(describe(s))
  }
  if (s.const !== undefined && value !== s.const) return fail(describe(s))
  if (s.enum && !s.enum.includes(value as never)) return fail(describe(s))
  if (s.type && !typeMatches(value, s.type)) {
    // `monitors: false`, `$test: { cache: false }`: said how to switch it off (an object with `enabled`)
    if (value === false && s.type === 'object' && s.properties?.enabled) return fail(`${describe(s)} (to turn it off: ${lastKey(path)}: { enabled: false })`)
    return fail(describe(s))
  }
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return fail(describe(s))
    if (s.minimum !== undefined && value < s.minimum) return fail(describe(s))
    if (s.maximum !== undefined && value > s.maximum) return fail(describe(s))
  }
  if (typeof value === 'string') {
    if (s.minLength !== undefined && value.length < s.minLength) return fail(`a non-empty string`)
    if (s.pattern) {
      let re = patternCache.get(s.pattern)
      if (!re) patternCache.set(s.pattern, (re = new RegExp(s.pattern)))
      if (!re.test(value)) return fail(describe(s))
    }
  }
  if (Array.isArray(value)) {
    if (s.minItems !== undefined && value.length < s.minItems) return fail(`${describe(s)} with at least ${s.minItems} item(s)`)
    if (s.maxItems !== undefined && value.length > s.maxItems) return fail(`${describe(s)} with at most ${s.maxItems} items`)
    let ok = true
    const prefix = s.prefixItems ?? []
    prefix.forEach((itemSchema, i) => { if (i < value.length) ok = check(value[i], itemSchema, `${path}[${i}]`, issues, fileFor) && ok })
    const items = s.items
    if (items) {
      value.forEach((item, i) => { if (i >= prefix.length) ok = check(item, items, `${path}[${i}]`, issues, fileFor) && ok })
    }
    return ok
  }
  if (value !== null && typeof value === 'object' && typeOf(value) === 'object' && (s.properties || s.additionalProperties !== undefined || s.propertyNames)) {
    let ok = true
    const known = s.properties ? Object.keys(s.properties) : []
    for (const key of Object.keys(value)) {
      const child = keyPath(path, key)
      if (FORBIDDEN_KEYS.has(key)) {
        issues?.push(configIssue(fileFor(child), child, 'no prototype keys (__proto__, constructor, prototype)', key))
        ok = false
        continue
      }
      const v = (value as Record<string, unknown>)[key]
      // a known key set to undefined is absent, as TypeScript's optional properties are (`dir:
      // undefined`, `url: process.env.REDIS_URL`): the default applies, or the resolver reports what
      // is missing. Known: a property, one of a closed set of names (`hooks: { 'command:after': ci ?
      // fn : undefined }`: "no listener"), or an entry of a map of the user's names to settings
      // objects (`namespaces: { git: ci ? { ttl: '1h' } : undefined }`; pools, budgets' commands,
      // $env). A map of values takes none: a `grouping` label from an unset variable is reported (a
      // label silently left out would merge machines' pushes)
      if (v === undefined && ((s.properties && key in s.properties) || (s.propertyNames?.enum as unknown[] | undefined)?.includes(key) || mapOfSettings(s))) continue
      if (s.propertyNames && !check(key, s.propertyNames, child, undefined, fileFor)) {
        const names = s.propertyNames.enum
        const hint = names ? didYouMean(key, names as string[]) : ''
        issues?.push(configIssue(fileFor(child), child, names ? `a known name${hint}` : describe(s.propertyNames), key))
        ok = false
        continue
      }
      if (s.properties && key in s.properties) ok = check(v, s.properties[key]!, child, issues, fileFor) && ok
      else if (s.additionalProperties === false) {
        // `extends` in an env block: validate-layers.ts says why it is refused (extends apply at a
        // layer's top level only), for every layer and the overrides; not an unknown key beside it
        if (s === ENV_BLOCK && key === 'extends') { if (v !== undefined) ok = false; continue }
        issues?.push(configIssue(fileFor(child), child, s === ROOT && key.startsWith('$') && key.length > 1 ? envBlockExpected(key) : `a known key${didYouMean(key, known)} (one of ${known.filter(k => !k.startsWith('$')).join(', ')})`, key))
        ok = false
      } else if (s.additionalProperties && typeof s.additionalProperties === 'object') {
        ok = check(v, s.additionalProperties, child, issues, fileFor) && ok
      }
    }
    for (const key of s.required ?? []) {
      if ((value as Record<string, unknown>)[key] === undefined) {
        const child = keyPath(path, key)
        issues?.push(configIssue(fileFor(child), child, describe(s.properties?.[key] ?? {}), undefined))
        ok = false
      }
    }
    return ok
  }
  return true
}

// --- internal ---

/** A map of the user's names (namespaces, pools, commands, env blocks) to settings objects. */
function mapOfSettings(s: Schema): boolean {
  return typeof s.additionalProperties === 'object' && deref(s.additionalProperties).type === 'object'
}

/**
 * A top-level `$staging`: c12 would apply it for that env, but the schema and the types know the
 * named blocks of the three standard envs only; any other env's block goes under `$env`.
 */
function envBlockExpected(key: string): string {
  const named = ['$development', '$test', '$production']
  return `an env block: $development, $test or $production${didYouMean(key, named)}; another env's block goes under $env (\`$env: { ${JSON.stringify(key.slice(1)).slice(1, -1)}: { ... } }\`)`
}
