/**
 * A config file that exports nothing: `definePerfConfig({ ... })` written without `export default`.
 * c12 takes such a module as an empty config, so the file was found and every setting in it was
 * dropped without a word (`unperf config`: "none: defaults only"). Named exports alone are c12's
 * config keys: when none is one (`export const config = definePerfConfig({ ... })`), validation said
 * only "unknown key 'config'". Checked on the cold load only, and only for a layer that came out
 * empty or with no config key: a config that gives any key costs nothing here.
 */
import { createRequire } from 'node:module'
import { ConfigError, configIssue } from '../errors.js'
// the schema's copy unperf's validator reads (validate.ts): the same keys, without the editors' documentation
import schemaJson from './validator-schema.json' with { type: 'json' }

const SCRIPT = /\.[cm]?[jt]sx?$/

/** The config's top-level keys (`$`-prefixed env blocks aside). */
const ROOT_KEYS = (schemaJson as { properties: Record<string, unknown> }).properties

const EXPECTED = 'a default export (export default definePerfConfig({ ... }))'

/**
 * Throws a ConfigError naming `name` (the file as errors name it) when the script config `file`,
 * whose value c12 gave as `config` (empty), exports nothing. `aliases`: the jiti aliases c12 loaded
 * it with (`unperf/config` resolved to this package).
 */
export async function checkDefaultExport(file: string, name: string, config: unknown, aliases: Record<string, string>): Promise<void> {
  if (!SCRIPT.test(file) || config === null || typeof config !== 'object') return
  // named exports are c12's config keys (`export const cache = { ... }`); when none of them is a
  // config key, `export const config = definePerfConfig({ ... })` read as an unknown key 'config'
  const named = Object.keys(config)
  if (named.some(k => k.startsWith('$') || Object.hasOwn(ROOT_KEYS, k))) return
  // an ES module imported natively (.mjs, a module package's .js): c12 got its namespace itself
  if (Object.prototype.toString.call(config) !== '[object Module]') {
    // transpiled by jiti (TypeScript, ESM syntax in a .js): the module as it is, without c12's
    // `default: true`, which gives an empty object for a module with no default export and for
    // `export default {}` alike (a rare cold load: the file runs once more)
    let mod: unknown
    try {
      const fromUnperf = createRequire(import.meta.url)
      const { createJiti } = createRequire(fromUnperf.resolve('c12'))('jiti') as typeof import('jiti')
      mod = await createJiti(file, { fsCache: false, moduleCache: false, interopDefault: false, alias: aliases }).import(file)
    } catch {
      return // it loaded once: whatever fails now is no answer about its exports
    }
    if (mod === null || typeof mod !== 'object' || 'default' in mod) return
    // exports nothing; or named exports of an ES module (jiti marks it): CommonJS exports are the config
    if (named.length === 0 ? Object.keys(mod).some(k => k !== '__esModule') : !(mod as { __esModule?: unknown }).__esModule) return
  }
  if (named.length > 0) {
    const list = named.map(k => `'${k}'`).join(', ')
    const issue = configIssue(name, '(file)', EXPECTED, `named exports ${list}`)
    issue.message = `${name}: no default export: its named exports (${list}) are read as config keys, and none is one: write \`export default definePerfConfig({ ... })\``
    throw new ConfigError([issue])
  }
  const issue = configIssue(name, '(file)', EXPECTED, 'no export')
  issue.message = `${name}: no default export (the file exports nothing), so none of it is applied: write \`export default definePerfConfig({ ... })\` (an empty config: \`export default {}\`)`
  throw new ConfigError([issue])
}
