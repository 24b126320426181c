/**
 * `unperf init`: a commented config matching the project; refuses to overwrite without --force.
 * perf.config.ts (API.md), or with `--format js` perf.config.mjs, typed by a JSDoc `@type` (editors
 * complete and check it as they do the .ts file, nothing is imported at run time): for a project
 * without TypeScript.
 */
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { defineCommand } from 'citty'
import { configCandidates } from '../../config/config-candidates.js'
import { UsageError } from '../../errors.js'
import { cliDirs } from '../_context.js'
import { configArgs, green, printJson } from '../_ui.js'
import { writeOutFile } from '../out-file.js'

/** The config file's format: `ts` (perf.config.ts, with definePerfConfig) or `js` (perf.config.mjs, with a JSDoc type). */
const FORMATS = { ts: 'perf.config.ts', js: 'perf.config.mjs' } as const
type Format = keyof typeof FORMATS

/** perf.config.mjs's name for node's process.env, declared so that @ts-check needs no @types/node. */
const JS_ENV = 'env'
const JS_ENV_DECLARATION = `/** Node's process.env (typed here: @ts-check needs no @types/node). @type {Record<string, string | undefined>} */
const ${JS_ENV} = /** @type {any} */ (globalThis).process.env`

interface PackageJson { name?: string; version?: string; perf?: unknown }

export default defineCommand({
  meta: { name: 'init', description: 'Write a commented perf.config.ts for this project (--format js: perf.config.mjs)' },
  args: {
    ...configArgs,
    force: { type: 'boolean', description: 'Overwrite an existing config of the same name (perf.config.ts; perf.config.mjs with --format js), whoever wrote it' },
    format: { type: 'string', description: "'ts' (perf.config.ts, the default) or 'js' (perf.config.mjs typed by JSDoc, for a project without TypeScript)" },
  },
  run({ args }) {
    if (args.format !== undefined && !Object.hasOwn(FORMATS, args.format)) throw new UsageError(`--format: expected 'ts' or 'js', got '${args.format}'`)
    // the config goes where it is read from: --root-dir, else --cwd
    const { rootDir: cwd } = cliDirs(args)
    let pkg: PackageJson = {}
    try { pkg = JSON.parse(readFileSync(join(cwd, 'package.json'), 'utf8')) ?? {} } catch { /* no package.json */ }
    const format: Format = (args.format as Format | undefined) ?? 'ts'
    const file = join(cwd, FORMATS[format])
    // any perf.config c12 would load (.json, .yaml, .config/...): a new perf.config.ts beside it would
    // silently take its place (its budgets.mode: 'error' gone from CI), or be shadowed by it
    const existing = configCandidates(cwd, undefined).filter(f => existsSync(f))
    const others = existing.filter(f => f !== file)
    if (others.length > 0) throw new UsageError(`${others[0]} exists: unperf loads one perf.config, so a ${FORMATS[format]} beside it would take its place or be ignored; edit it, or remove it and run unperf init again`)
    if (existing.length > 0 && !args.force) throw new UsageError(`${file} exists: use --force to overwrite it`)
    // lower layers stay in effect: the file's values win over theirs
    const layers = [existsSync(join(cwd, '.perfrc')) && '.perfrc', pkg.perf !== undefined && "package.json's \"perf\" key"].filter(Boolean)
    if (layers.length > 0) console.error(`[unperf] ${layers.join(' and ')} also ${layers.length === 1 ? 'configures' : 'configure'} unperf: ${FORMATS[format]} takes priority over ${layers.length === 1 ? 'it' : 'them'} for every key it sets`)
    const lockfiles = ['package-lock.json', 'pnpm-lock.yaml', 'yarn.lock', 'bun.lock'].filter(f => existsSync(join(cwd, f)))
    // only files that are there: `package.json` in a dir without one listed a file no change can come from
    const watched = [...(existsSync(join(cwd, 'package.json')) ? ['package.json'] : []), ...lockfiles]
    const redis = Boolean(process.env.REDIS_URL)
    const about = `// unperf config for ${pkg.name ?? 'this CLI'}${pkg.version ? `@${pkg.version}` : ''}.
// Durations: a number is ms, or '250ms' / '10s' / '5m' / '1h' / '7d'. Sizes: bytes, or '10kB' / '50MB' / '10KiB'.`
    // js: the type for editors (completion, and errors under @ts-check) from a JSDoc import, nothing
    // imported when it runs. `process` is typed by @types/node, which a project without TypeScript
    // need not have (under @ts-check: "Cannot find name 'process'"): the redis url is read from node's
    // process.env through globalThis, typed in the file
    const env = format === 'js' ? JS_ENV : 'process.env'
    const [open, close] = format === 'ts'
      ? [`import { definePerfConfig } from 'unperf/config'\n\n${about}\nexport default definePerfConfig({`, '})']
      : [`// @ts-check\n${about}\n${redis ? `${JS_ENV_DECLARATION}\n\n` : ''}/** @type {import('unperf/config').PerfConfig} */\nexport default {`, '}']
    const text = `${open}
  cache: {
    // 'memory' | 'fs' | { driver: 'redis', url } | { driver, ...options }, or an array of them = tiers, fastest first
    driver: ['memory', 'fs'],
    ttl: '1d',            // false = never expires
    maxSize: '200MB',     // least recently used entries evicted first
    invalidate: {
      version: true,      // a new version starts from an empty cache
      files: [${watched.map(file => `'${file.replace(/[\\']/g, c => `\\${c}`)}'`).join(', ')}],${watched.length === 0 ? '        // no package.json or lockfile here: list the files whose change should empty the cache' : ''}
    },
  },
  budgets: {
    mode: 'warn',         // 'error' makes a breach fail the process (CI)
    startup: '250ms',     // process start → command start
    memory: '200MB',      // peak rss
  },
  report: { console: 'summary' },
  $development: { cache: { driver: 'memory' } },
  $test: { cache: { enabled: false } },
  $env: {
    ci: {
      budgets: { mode: 'error' },${redis ? `
      // REDIS_URL was set when this file was written: share the cache across CI machines
      cache: { driver: ['memory', 'fs', { driver: 'redis', url: ${env}.REDIS_URL }] },` : ''}
    },
  },
${close}
`
    // a dir it cannot write to: named as `report --html` names one (exit 2), not a raw `EACCES: permission denied, open …` (exit 1)
    writeOutFile('unperf init:', file, text, undefined)
    if (args.json) return printJson({ file, format, lockfiles, redis })
    console.log(`${green('✔')} wrote ${file}`)
  },
})
