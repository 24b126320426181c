// The source of schema/perf.config.schema.json. `node scripts/schema-source.mjs` rewrites the JSON
// (and src/config/validator-schema.json, the same without the editors' documentation, which unperf's
// own validator reads); test/config/schema.test.ts checks it against the TypeScript types
// (src/config/types.ts): the same keys, and each key's doc comment as its description (schema-docs.mjs).
import { readFileSync, writeFileSync } from 'node:fs'
import { transformSync } from 'esbuild'
import { DRIVER_NAMES, driverDefs } from './schema-drivers.mjs'
import { annotate, configTypes } from './schema-docs.mjs'

// The monitor metrics and their kinds: one table, src/runtime/monitors/metric-kinds.ts (no imports, so it loads alone)
const metricTable = transformSync(readFileSync(new URL('../src/runtime/monitors/metric-kinds.ts', import.meta.url), 'utf8'), { loader: 'ts', format: 'esm' }).code
const { METRIC_KINDS, THRESHOLD_EXPECTED, RAW_UNITS } = await import(`data:text/javascript;base64,${Buffer.from(metricTable).toString('base64')}`)

// The duration units and their lengths: src/config/units.ts (its one import is a type's)
const unitsSource = transformSync(readFileSync(new URL('../src/config/units.ts', import.meta.url), 'utf8'), { loader: 'ts', format: 'esm' }).code
const { DURATION_UNITS, durationFactor } = await import(`data:text/javascript;base64,${Buffer.from(unitsSource).toString('base64')}`)

/**
 * A duration string that unperf reads as 0 ms (parseDuration rounds to whole ms): '0s', '0.4ms',
 * '0.0004s', '0.000008m'. Per unit, a fraction below 0.5 ms in that unit, the digits of 1 / (2 × its
 * ms) compared digit by digit (20 of them: past that, a value is within 1e-20 of the half).
 */
function roundsToZeroPattern() {
  const below = ms => {
    const digits = []
    for (let rest = 1, i = 0; i < 20 && rest > 0; i++) { rest *= 10; digits.push(Math.floor(rest / (2 * ms))); rest %= 2 * ms }
    const last = digits.findLastIndex(d => d > 0)
    // a fraction of the same first k digits, then a smaller one (or none: the rest of the half is not 0)
    return digits.slice(0, last + 1).map((d, k) => digits.slice(0, k).join('') + (d > 1 ? `([0-${d - 1}]\\d*)?` : d === 1 ? '(0\\d*)?' : '')).join('|')
  }
  const units = DURATION_UNITS.map(unit => [unit, durationFactor(unit)])
  if (units.some(([, ms]) => !(ms > 0))) throw new Error(`src/config/units.ts: a duration unit without its length in ms (${JSON.stringify(units)})`)
  return `^\\s*0*(${units.map(([unit, ms]) => `(\\.(${below(ms)}))?\\s*${unit}`).join('|')})\\s*$`
}

const duration = { $ref: '#/$defs/duration' }
// a duration where 0 is refused (ttl, timeouts, intervals): what unperf's resolver checks (src/config/resolver.ts positiveDuration, ttl)
const positiveDuration = { $ref: '#/$defs/positiveDuration' }
const size = { $ref: '#/$defs/size' }
const bool = { type: 'boolean' }
const obj = (properties, extra = {}) => ({ type: 'object', properties, additionalProperties: false, ...extra })

// an alert threshold, by its metric's kind (metric-kinds.ts): what src/config/resolve-alerts.ts parses
// the number of a duration or size string: digits with an optional fraction, or a fraction alone,
// and an optional exponent (src/config/units.ts splitUnit: what the types' `${number}` takes, but a sign)
const number = '(\\d+(\\.\\d*)?|\\.\\d+)([eE][+-]?\\d+)?'
const durationPattern = `^\\s*${number}\\s*(ms|s|m|h|d|w)\\s*$`
const sizePattern = `^\\s*${number}\\s*([kKmMgGtT]i?[bB]|[bB])\\s*$`
const percentString = { type: 'string', pattern: '^\\s*\\d+(\\.\\d+)?\\s*%\\s*$' }
const THRESHOLDS = {
  // as $defs size and duration, but described in the alert's words (THRESHOLD_EXPECTED)
  size: { anyOf: [{ type: 'number', minimum: 0 }, { type: 'string', pattern: sizePattern }] },
  duration: { anyOf: [{ type: 'number', minimum: 0 }, { type: 'string', pattern: durationPattern }] },
  rate: { anyOf: [{ type: 'number', minimum: 0 }, { type: 'string', pattern: `^\\s*${number}\\s*([kKmMgGtT]i?[bB]|[bB])\\s*(/\\s*s\\s*)?$` }] },
  percent: { anyOf: [{ type: 'number', minimum: 0 }, percentString] },
  // at most 100 %: the fraction is at most 1
  ratio: { anyOf: [{ type: 'number', minimum: 0, maximum: 1 }, { type: 'string', pattern: '^\\s*(100(\\.0+)?|\\d{1,2}(\\.\\d+)?)\\s*%\\s*$' }] },
  number: { type: 'number', minimum: 0 },
}
const alertKind = kind => {
  const threshold = { $ref: `#/$defs/threshold-${kind}` }
  return {
    anyOf: [
      threshold,
      // `above` or `below` (or both): written as `not` { neither }, which unperf's own validator
      // ignores, so its resolver's message ('{ above } or { below } (or both)') is the one shown
      obj({ above: threshold, below: threshold, for: duration }, { not: { type: 'object', properties: { above: false, below: false } } }),
    ],
    'x-expected': `${THRESHOLD_EXPECTED[kind]}, or { above, below, for }`,
  }
}
const alertDefs = Object.fromEntries(Object.keys(THRESHOLD_EXPECTED).flatMap(kind => [
  [`threshold-${kind}`, { ...THRESHOLDS[kind], 'x-expected': THRESHOLD_EXPECTED[kind] }],
  [`alert-${kind}`, alertKind(kind)],
]))
const pluginRef = { anyOf: [{ type: 'string', minLength: 1 }, { type: 'object', required: ['name'], properties: { name: { type: 'string', minLength: 1 } } }], 'x-expected': 'a plugin object (with a non-empty `name`) or a module specifier' }
const durationOrFalse = { anyOf: [{ const: false }, positiveDuration], 'x-expected': "a duration like '10m', a number of ms, or false" }
const durationOrBool = { anyOf: [{ type: 'boolean' }, duration], 'x-expected': "true, false or a duration like '10m'" }
const sizeOrFalse = { anyOf: [{ const: false }, size], 'x-expected': "a size like '4KB', a number of bytes, or false" }
const concurrency = {
  anyOf: [{ type: 'integer', minimum: 1 }, { enum: ['auto', 'adaptive'] }],
  'x-expected': "a positive integer, 'auto' or 'adaptive'",
}
const policy = { enum: ['lru', 'tinylfu'] }

const namespace = obj({
  ttl: durationOrFalse,
  driver: { $ref: '#/$defs/driverConfig' },
  maxSize: size,
  policy,
  swr: durationOrBool,
  staleIfError: durationOrBool,
  sliding: bool,
  compress: sizeOrFalse,
  integrity: bool,
})

// a layer's keys, as an env block ($development, $env.<name>) takes them: `extends` is the top
// level's alone (c12 applies it there only; one in an env block is a config error), as the types'
// PerfConfigEnvBlock has it
const layer = obj({
  name: { type: 'string', minLength: 1 },
  version: { type: 'string' },
  cache: obj({
    enabled: bool,
    driver: { $ref: '#/$defs/driverConfig' },
    dir: { type: 'string' },
    ttl: durationOrFalse,
    maxSize: size,
    policy,
    compress: sizeOrFalse,
    integrity: bool,
    swr: durationOrBool,
    staleIfError: durationOrBool,
    timeout: positiveDuration,
    scope: { type: 'string', minLength: 1 },
    scopeMaxAge: positiveDuration,
    invalidate: obj({ version: bool, files: { type: 'array', items: { type: 'string' } } }),
    namespaces: { type: 'object', additionalProperties: namespace, propertyNames: { pattern: '^(?!plugin:$)', 'x-expected': "a namespace name; 'plugin:<name>' configures the namespace of the plugin <name>" }, 'x-expected': 'an object of namespace name → options' },
  }),
  concurrency: obj({
    default: concurrency,
    pools: {
      type: 'object',
      additionalProperties: obj({
        concurrency,
        timeout: durationOrFalse,
        retries: { type: 'integer', minimum: 0, maximum: 100 },
        backoff: duration,
        maxBackoff: duration,
      }),
    },
    workers: obj({
      max: { anyOf: [{ type: 'integer', minimum: 1 }, { const: 'auto' }], 'x-expected': "a positive integer or 'auto'" },
      idleTimeout: duration,
      timeout: durationOrFalse,
      retries: { type: 'integer', minimum: 0, maximum: 100 },
      // at least 8 MiB (resolve-concurrency.ts workerMemory), a number as it rounds (whole bytes); a size
      // string below it ('1MB') only at load: a pattern of the sizes past 8 MiB would be unreadable
      maxMemory: {
        anyOf: [{ const: false }, { type: 'number', minimum: 8 * 1024 * 1024 - 0.5 }, { type: 'string', pattern: sizePattern }],
        'x-expected': "false or a size of at least '8MiB' (a worker thread needs a few MiB of heap to start)",
      },
    }),
  }),
  budgets: obj({
    mode: { enum: ['warn', 'error'] },
    startup: duration,
    memory: size,
    cacheHitRate: { type: 'number', minimum: 0, maximum: 1 },
    commands: { type: 'object', additionalProperties: obj({ duration, p95: duration, memory: size }) },
    files: {
      type: 'array',
      items: obj({ path: { type: 'string', minLength: 1 }, limit: size, compression: { enum: ['none', 'gzip', 'brotli'] } }, { required: ['path', 'limit'] }),
    },
    regressions: bool,
  }),
  monitors: obj({
    enabled: bool,
    interval: positiveDuration,
    eventLoop: bool,
    memory: bool,
    cpu: bool,
    gc: bool,
    system: bool,
    // one key per metric a monitor samples (an unknown one is a config error, with a did-you-mean)
    alerts: {
      type: 'object',
      properties: Object.fromEntries(Object.entries(METRIC_KINDS).map(([metric, kind]) => [metric, { $ref: `#/$defs/alert-${kind}` }])),
      additionalProperties: false,
      'x-expected': "an object of metric path → threshold or { above, below, for } ('memory.rss': '500MB')",
    },
    prometheus: {
      anyOf: [
        { const: false },
        obj({ port: { type: 'integer', minimum: 0, maximum: 65535 }, host: { type: 'string' }, path: { type: 'string' } }, { required: ['port'] }),
        obj({ file: { type: 'string', minLength: 1 } }, { required: ['file'] }),
        obj({ pushgateway: { type: 'string', minLength: 1 }, job: { type: 'string' }, grouping: { type: 'object', additionalProperties: { type: 'string' } } }, {
          required: ['pushgateway'],
          // an http:// or https:// url (resolve-prometheus.ts checkPushgateway: new URL's scheme), for
          // editors and ajv, in allOf as the driver options' types are: unperf checks it at load with
          // its own message, which never shows the url (it may hold user:pass)
          allOf: [{ properties: { pushgateway: { type: 'string', pattern: '^\\s*[hH][tT][tT][pP][sS]?:[/\\\\]*[^/\\\\?#\\s:]' } } }],
        }),
      ],
      'x-expected': 'false, { port, host? }, { file } or { pushgateway }',
    },
    opentelemetry: { anyOf: [{ type: 'boolean' }, obj({ serviceName: { type: 'string' } })], 'x-expected': 'a boolean or { serviceName }' },
  }),
  report: obj({
    console: { enum: ['summary', 'verbose', false] },
    dir: { type: 'string' },
    history: { type: 'integer', minimum: 0, maximum: 100000 },
    historyDriver: { $ref: '#/$defs/driverSpec' },
    trace: bool,
  }),
  plugins: {
    type: 'array',
    items: {
      anyOf: [
        { type: 'string', minLength: 1 },
        { type: 'object', required: ['name'], properties: { name: { type: 'string', minLength: 1 } } },
        // [plugin] and [plugin, options], in JSON Schema 2020-12's tuple form (an `items` array is
        // draft-07's and invalid here), each closed as strict validators want a tuple
        { type: 'array', minItems: 1, maxItems: 1, items: false, prefixItems: [pluginRef] },
        { type: 'array', minItems: 2, maxItems: 2, items: false, prefixItems: [pluginRef, { type: 'object', 'x-expected': "the plugin's options, an object" }] },
      ],
      'x-expected': 'a plugin object (with a non-empty `name`), a module specifier, or [plugin object or specifier, options]',
    },
  },
  bundlePlugins: bool,
  hooks: {
    type: 'object',
    propertyNames: {
      enum: ['config:resolved', 'perf:ready', 'command:before', 'command:after', 'command:error', 'cache:hit', 'cache:miss', 'cache:set', 'cache:evict', 'cache:error', 'task:start', 'task:end', 'task:retry', 'task:error', 'monitor:sample', 'monitor:alert', 'budget:exceeded', 'report', 'exit'],
    },
    additionalProperties: { 'x-function': true, 'x-expected': 'a function' },
  },
})

const schema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: 'https://unpkg.com/unperf/schema/perf.config.schema.json',
  title: 'unperf perf.config',
  description: 'Configuration of unperf, the performance framework for Node.js CLIs. Durations: number = ms or a string with a unit. Sizes: number = bytes or a string with a unit.',
  ...layer,
  properties: {
    // extends after name and version, as the types have it (unknown-key messages list the keys in this order)
    name: layer.properties.name,
    version: layer.properties.version,
    extends: { anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }], 'x-expected': 'a path or an array of paths' },
    ...layer.properties,
    $development: { $ref: '#/$defs/layer' },
    $test: { $ref: '#/$defs/layer' },
    $production: { $ref: '#/$defs/layer' },
    $env: { type: 'object', additionalProperties: { $ref: '#/$defs/layer' } },
    $schema: { type: 'string' },
    $meta: { type: 'object' },
  },
  $defs: {
    layer,
    ...alertDefs,
    duration: {
      anyOf: [{ type: 'number', minimum: 0 }, { type: 'string', pattern: durationPattern }],
      'x-expected': "a duration like '10m' or a number of ms",
      'x-unit': 'duration',
    },
    // editors and CI linters refuse 0 as unperf does (`ttl: 0` is ambiguous: false = never expires);
    // unperf's own validator (src/config/validate.ts) ignores exclusiveMinimum and not, so its
    // resolver's message ("0 is ambiguous: use false ...") is still the one a user reads
    // and those that round to 0 ms (0.4, '0.4ms'), which unperf refuses there too, saying so
    positiveDuration: {
      anyOf: [
        { type: 'number', minimum: 0, not: { type: 'number', exclusiveMaximum: 0.5 } },
        { type: 'string', pattern: durationPattern, not: { type: 'string', pattern: roundsToZeroPattern() } },
      ],
      'x-expected': "a duration greater than 0 like '10m' or a number of ms",
      'x-unit': 'duration',
    },
    size: {
      anyOf: [{ type: 'number', minimum: 0 }, { type: 'string', pattern: sizePattern }],
      'x-expected': "a size like '50MB' or a number of bytes",
      'x-unit': 'size',
    },
    ...driverDefs,
  },
}

/**
 * The schema in standard keywords only, so validators in strict mode (ajv's default) compile it
 * (the docs' `markdownDescription`, VS Code's own keyword, is left out: a strict ajv refuses it): the phrases written above as `x-expected`
 * become each node's `description` (what unperf's validator says a key expects), a function-valued
 * node is marked by its `$comment` (JSON cannot hold a function; src/config/validate.ts checks it),
 * and an unstorage driver instance is the branch that requires `getItem`.
 */
export const FUNCTION_COMMENT = 'a function (perf.config.ts/.js only: JSON cannot hold one)'
function standard(node) {
  if (Array.isArray(node)) return node.map(standard)
  if (node === null || typeof node !== 'object') return node
  const out = {}
  for (const [key, value] of Object.entries(node)) {
    if (key === 'x-expected') { if (!('description' in node)) out.description = value }
    else if (key === 'x-function') out.$comment = FUNCTION_COMMENT
    else if (key === 'x-unit' || key === 'x-driver-instance' || key === 'markdownDescription') continue
    else out[key] = standard(value)
  }
  return out
}

// unperf's validator (src/config/validate.ts) reads a node's `description` as the phrase of what it
// expects ("expected a duration like '10m' ..."): it gets the schema before the documentation below
writeFileSync(new URL('../src/config/validator-schema.json', import.meta.url), JSON.stringify(standard(schema)) + '\n')

// every key documented as in the types (schema-docs.mjs); the keys the types have no doc comment
// for: an alert's metric (its kind, from metric-kinds.ts), `$schema` and `$meta` (JSON files only)
const alerts = schema.$defs.layer.properties.monitors.properties.alerts
for (const [metric, kind] of Object.entries(METRIC_KINDS)) {
  const text = `${metric}, in ${RAW_UNITS[kind]}: ${THRESHOLD_EXPECTED[kind]}, or { above, below, for }`
  alerts.properties[metric] = { ...alerts.properties[metric], description: text, markdownDescription: text }
}
const jsonOnly = {
  $schema: 'The JSON Schema of this file, for editors: ./node_modules/unperf/schema/perf.config.schema.json. unperf ignores it.',
  $meta: "c12's metadata of a config layer. unperf ignores it.",
}
for (const [key, text] of Object.entries(jsonOnly)) schema.properties[key] = { ...schema.properties[key], description: text, markdownDescription: text }
annotate(schema, configTypes())

// An editor's hover shows the first description among the schemas a value matches, the innermost
// first (vscode-json-languageservice): the phrase of a `$defs` entry a key's value refers to
// (`ttl` → positiveDuration: "a duration greater than 0 like '10m' ...") would be shown instead of
// the key's doc. The published schema leaves those out; unperf's validator keeps them (above).
const published = standard(schema)
for (const [name, def] of Object.entries(published.$defs)) if (name !== 'layer') delete def.description
// a tier's driver name, for editors only (schema-drivers.mjs DRIVER_NAMES says why)
const named = published.$defs.driverSpec.anyOf.find(b => b.required?.includes('driver'))
named.properties.driver = { ...named.properties.driver, enum: DRIVER_NAMES }
writeFileSync(new URL('../schema/perf.config.schema.json', import.meta.url), JSON.stringify(published, null, 2) + '\n')
console.log('wrote schema/perf.config.schema.json and src/config/validator-schema.json')
