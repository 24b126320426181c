/** `unperf config`: the resolved config for --env, the layers it came from, defaults marked. */
import { defineCommand } from 'citty'
import { keyPath } from '../../config/key-path.js'
import { formatBytes, formatDuration, formatMetric } from '../../config/units.js'
import { metricKind } from '../../runtime/monitors/metric-kinds.js'
import { GLUED_SECRET_WORDS, redact, SECRET_WORDS } from '../../runtime/warn.js'
import { ciBlockWarning, cliConfigLayers, envBlockWarning } from '../_context.js'
import { parentConfigWarning } from '../parent-config.js'
import { bold, configArgs, dim, printJson, stderrColors, table, yellow } from '../_ui.js'
import { describePluginSource as describeSource } from '../../config/plugin-entries.js'
import type { ResolvedPerfConfig } from '../../config/types.js'
import type { RawLayer } from '../../config/layers.js'
import { shownLayers } from '../config-layers.js'
import { relative, sep } from 'node:path'
import { packageInfo } from '../../runtime/project.js'

const DURATION_KEYS = /(ttl|timeout|interval|startup|duration|p95|swr|staleIfError|scopeMaxAge|idleTimeout|backoff|maxBackoff|for)$/i
const SIZE_KEYS = /(maxSize|memory|limit|compress|above|below)$/i

export default defineCommand({
  meta: { name: 'config', description: 'The resolved config and where each layer came from' },
  args: { ...configArgs },
  async run({ args }) {
    // the layers as written, to show each file's env blocks as layers of their own (config-layers.ts)
    let written: [RawLayer[], RawLayer[]] = [[], []]
    const layersLoaded = await cliConfigLayers(args, (raw, applied) => { written = [raw, applied] })
    const warnings = [parentConfigWarning(layersLoaded.config.rootDir, layersLoaded.config.configFile), envBlockWarning(args.env, layersLoaded.layers), ciBlockWarning(args.env, layersLoaded.config.env, layersLoaded.layers)].filter(w => w !== undefined)
    const shownList = shownLayers(...written, layersLoaded.config.env, layersLoaded.config.rootDir)
    // resolved keys named otherwise in a config: `cache.tiers` is what `cache.driver` resolves to;
    // an alert written as its threshold alone (`'eventLoop.p99': '100ms'`) sets that rule's `above`
    const origin = (path: string[]) => shownList.find(l => has(l.config, path) || (path.at(-1) === 'tiers' && has(l.config, [...path.slice(0, -1), 'driver']))
      || (alertOf(path) !== undefined && path.at(-1) === 'above' && isThreshold(valueAt(l.config, path.slice(0, -1)))))?.name
    // `name` and `version` no layer set come from the host's package.json (its name there, as a layer's):
    // `(default)` beside them sent users looking for a default of unperf's
    const pkg = packageInfo(layersLoaded.config.rootDir)
    const unset = (path: string[]) => path.length === 1 && (path[0] === 'name' || path[0] === 'version') && pkg[path[0]] === layersLoaded.config[path[0]] ? 'package.json' : 'default'
    const originOf = (path: string[]) => origin(path) ?? unset(path)
    // which layer set each key (`default` where none did), by the key path as config errors name it
    const origins: Record<string, string> = {}
    const { plugins: _plugins, ...keys } = layersLoaded.config
    leaves(keys, [], path => { if (!UNLAYERED.includes(path[0]!)) origins[path.reduce(keyPath, '')] = originOf(path) })
    // credentials (a redis url's password, a `password` option, headers) are never printed
    const loaded = redactSecrets({ ...layersLoaded, layers: shownList })
    if (args.json) return printJson({ ...loaded, origins, warnings })
    for (const w of warnings) console.error(stderrColors.yellow(`[unperf] warning: ${w}`))
    const { config, layers } = loaded
    console.log(bold(`unperf config · ${config.name}@${config.version} · env ${config.env}`))
    console.log(`layers (highest priority first):`)
    for (const l of layers) console.log(`  ${l.name}`)
    if (layers.length === 0) console.log(dim('  (none: defaults only)'))
    console.log('')
    const walk = (value: unknown, path: string[]) => leaves(value, path, (path, value) => {
      const key = path[path.length - 1] ?? ''
      // Infinity (`swr: true`: no limit) is a number JSON cannot hold: it printed `null (Infinity)`
      const finite = typeof value === 'number' && Number.isFinite(value)
      // an unset optional key printed `cache.scope = undefined`: JavaScript's word, not the user's
      let shown = value === undefined ? `not set${path.join('.') === 'cache.scope' ? ' (the project id: package name + git remote, else real path)' : ''}` : typeof value === 'function' ? '[function]' : typeof value === 'number' && !finite ? String(value) : JSON.stringify(value)
      // an alert's threshold is in its metric's unit (`eventLoop.p99`: ms, `cpu.percent`: percent), not a size
      const alert = alertOf(path)
      if (finite && alert !== undefined && (key === 'above' || key === 'below')) shown += dim(` (${formatMetric(alert, value as number)})`)
      else if (finite && DURATION_KEYS.test(key)) shown += dim(` (${formatDuration(value as number)})`)
      else if (finite && SIZE_KEYS.test(key) && (value as number) >= 1024) shown += dim(` (${formatBytes(value)})`)
      // one key per segment, as config errors name them: `monitors.alerts['memory.rss'].above`, `hooks['command:after']`
      const name = path.reduce(keyPath, '')
      const from = UNLAYERED.includes(path[0]!) ? '' : dim(`  (${originOf(path)})`)
      console.log(`${name} = ${shown}${from}`)
    })
    const { plugins, ...rest } = config
    walk(rest, [])
    printPlugins(plugins, config.rootDir)
  },
})

/**
 * The plugins, one a line: the plugin (its name, or its file as given), its options and where its
 * entry is written. It was one JSON line of every entry (`plugins = [{"plugin":...}]`), hundreds of
 * characters to read where a plugin came from. Plugins given by file or package are not loaded
 * here: two entries of one plugin (set up once, the last one's) are told apart only by name.
 */
function printPlugins(plugins: ResolvedPerfConfig['plugins'], rootDir: string): void {
  if (plugins.length === 0) return console.log(`plugins = []${dim('  (default)')}`)
  console.log('')
  console.log(`plugins (in the order they are set up; a plugin listed more than once is set up once, at its first entry's place, with its last entry's options):`)
  const rows = plugins.map((p, i) => {
    const shown = typeof p.plugin === 'string'
      ? p.plugin.startsWith(rootDir + sep) ? relative(rootDir, p.plugin) : p.plugin
      : typeof (p.plugin as { name?: unknown })?.name === 'string' ? `'${(p.plugin as { name: string }).name}'` : '(object)'
    const options = Object.keys(p.options).length > 0 ? JSON.stringify(p.options) : dim('{}')
    const where = p.path !== undefined && p.from !== undefined ? describeSource({ from: p.from, path: p.path, ...(p.preset !== undefined && { preset: p.preset }) }) : p.from ?? ''
    return [`  [${i}]`, shown, options, dim(where)]
  })
  console.log(table(rows))
}

/** Keys no layer sets: where the config was loaded from, and for which env. */
const UNLAYERED = ['rootDir', 'cwd', 'env', 'configFile']

/** `fn` for each value printed on a line of its own: plain objects are walked into (a driver instance is a value). */
function leaves(value: unknown, path: string[], fn: (path: string[], value: unknown) => void): void {
  if (value && typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length > 0 && typeof (value as { getItem?: unknown }).getItem !== 'function') {
    for (const [k, v] of Object.entries(value)) leaves(v, [...path, k], fn)
    return
  }
  fn(path, value)
}

/** The kind of the metric a `monitors.alerts.<metric>.*` path is about, else undefined. */
function alertOf(path: string[]): ReturnType<typeof metricKind> {
  return path.length === 4 && path[0] === 'monitors' && path[1] === 'alerts' ? metricKind(path[2]!) : undefined
}

/** An alert rule written as its threshold alone: `'100ms'`, `90`, `'90%'` (the shorthand for `{ above }`). */
function isThreshold(value: unknown): boolean {
  return typeof value === 'string' || typeof value === 'number'
}

const MISSING = Symbol('missing')

/** The value at `path` in `obj` (undefined too, when the key is written so), or MISSING where a key on the way is absent. */
function valueAt(obj: unknown, path: string[]): unknown {
  let cur = obj
  for (const p of path) {
    if (!cur || typeof cur !== 'object' || !(p in (cur as object))) return MISSING
    cur = (cur as Record<string, unknown>)[p]
  }
  return cur
}

function has(obj: unknown, path: string[]): boolean {
  return valueAt(obj, path) !== MISSING
}

/**
 * Keys whose values are credentials: `password`, `token`, `apiKey`, `authorization`, `x-api-key`,
 * camelCase as unstorage drivers' options name them (`apiToken`, `restToken`, `accountKey`,
 * `sasKey`...), the short `pass`/`pwd` (`auth: { user, pass }`, as nodemailer's options write it;
 * `smtp_pass`), and plurals (`tokens`, `apiKeys`).
 */
const SECRET_KEY = new RegExp(`^(?:.*[_-])?(?:[a-z0-9]*(?:${GLUED_SECRET_WORDS}|key|sas)|${SECRET_WORDS}|authorization|cookie|pass|pwd)s?$`, 'i')
/** Keys whose children are names (a namespace, a command, a pool, an env, a label, a hook), not options: a namespace named `auth` keeps its settings shown (a string there is still masked). */
const NAME_MAPS = new Set(['namespaces', 'commands', 'pools', 'alerts', 'grouping', '$env', 'hooks'])

/**
 * A copy of plain objects and arrays with secret values masked and every string redacted (URLs with
 * credentials); other objects (a driver instance) as they are. A secret's value is masked whatever
 * its type: a number (`token: 12345678`), a list (`apiKeys: [...]`) or an object (`auth: { user,
 * pass }`, `credentials: { ... }`) too, where only strings were (a plugin's options printed them).
 */
function redactSecrets<T>(value: T, key = '', named = false): T {
  const secret = key !== '' && SECRET_KEY.test(key)
  if (typeof value === 'string') return (secret && value !== '' ? '***' : redact(value)) as T
  const plain = value !== null && typeof value === 'object' && (Array.isArray(value) || Object.getPrototypeOf(value) === Object.prototype || Object.getPrototypeOf(value) === null)
  if (secret && !named && (typeof value === 'number' || typeof value === 'bigint' || (plain && Object.keys(value as object).length > 0))) return '***' as T
  if (Array.isArray(value)) return value.map(v => redactSecrets(v)) as T
  if (plain) {
    const out: Record<string, unknown> = {}
    for (const [k, v] of Object.entries(value as object)) out[k] = redactSecrets(v, k, NAME_MAPS.has(key))
    return out as T
  }
  return value
}
