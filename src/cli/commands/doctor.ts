/** `unperf doctor`: node, config (and whether a published package would include it), copies of unperf, plugins (loaded), cache dir (0700, writable), free disk, unstorage drivers by name (loaded), redis reachability, stale scopes. */
import { accessSync, constants, existsSync, rmdirSync, statSync, statfsSync } from 'node:fs'
import { dirname } from 'node:path'
import { whyUnwritable } from '../../drivers/fs-unwritable.js'
import { makeDirSync } from '../../runtime/make-dir.js'
import { defineCommand } from 'citty'
import { formatBytes, formatDuration } from '../../config/units.js'
import { keyPath } from '../../config/key-path.js'
import { listScopes } from '../../runtime/cache/scope.js'
import { acquireRedis, connectionCause, type RedisClient } from '../../drivers/redis-connection.js'
import { redact } from '../../runtime/warn.js'
import type { ResolvedDriverSpec, ResolvedPerfConfig } from '../../config/types.js'
import type { RawLayer } from '../../config/layers.js'
import { ciBlockWarning, cliConfigLayers, envBlockWarning } from '../_context.js'
import { configLeftOutOfPackage } from '../published-files.js'
import { parentConfigWarning } from '../parent-config.js'
import { unperfCopiesWarning } from '../unperf-copies.js'
import { pluginBundleChecks, pluginChecks } from '../doctor-plugins.js'
import { configArgs, green, plural, printJson, red, stderrColors, yellow } from '../_ui.js'
import { ConfigError, errorMessage, TimeoutError } from '../../errors.js'
import { jsonError } from '../../cli-errors.js'
import { createProgress } from '../progress.js'

interface Check { check: string; ok: boolean; detail: string; warn?: boolean }

export default defineCommand({
  meta: { name: 'doctor', description: 'Check node, config, cache dir, disk, redis (exit 1 with the problems, 2 with a bad config)' },
  args: { ...configArgs },
  async run({ args }) {
    const checks: Check[] = []
    // a Redis that does not answer takes 2 s, a large cache dir a while to scan: say what is being checked
    const progress = createProgress()
    const [major, minor] = process.versions.node.split('.').map(Number) as [number, number]
    checks.push({ check: 'node', ok: major > 20 || (major === 20 && minor >= 19), detail: `${process.version} (needs ≥ 20.19)` })
    let config
    let raw: RawLayer[] = []
    let applied: RawLayer[] = []
    let badConfig: ConfigError | undefined
    const warnings: string[] = []
    try {
      const loaded = await cliConfigLayers(args, (r, a) => { raw = r; applied = a })
      config = loaded.config
      checks.push({ check: 'config', ok: true, detail: config.configFile ?? 'no perf.config: defaults' })
      const unpublished = configLeftOutOfPackage(config.rootDir, config.configFile)
      if (unpublished) {
        warnings.push(unpublished)
        checks.push({ check: 'package', ok: false, warn: true, detail: unpublished })
      }
      const parent = parentConfigWarning(config.rootDir, config.configFile)
      if (parent) {
        warnings.push(parent)
        checks.push({ check: 'config', ok: false, warn: true, detail: parent })
      }
      const copies = unperfCopiesWarning(config.rootDir)
      if (copies) {
        warnings.push(copies)
        checks.push({ check: 'unperf', ok: false, warn: true, detail: copies })
      }
      for (const envWarning of [envBlockWarning(args.env, loaded.layers), ciBlockWarning(args.env, config.env, loaded.layers)]) {
        if (!envWarning) continue
        warnings.push(envWarning)
        checks.push({ check: 'env', ok: false, warn: true, detail: envWarning })
      }
    } catch (error) {
      if (error instanceof ConfigError) badConfig = error
      // without the `[unperf] ` prefix: the row says what checked it (and --json's messages have none)
      checks.push({ check: 'config', ok: false, detail: errorMessage(error) })
    }
    if (config) {
      progress.set('loading the plugins')
      for (const plugin of await pluginChecks(config)) {
        if (plugin.warn) warnings.push(plugin.detail)
        checks.push(plugin)
      }
      for (const bundle of pluginBundleChecks(config)) {
        warnings.push(bundle.detail)
        checks.push(bundle)
      }
      const dir = config.cache.dir
      // a cache dir no run has made yet is made to check it can be (a read-only fs, /proc refuse it),
      // then removed again: doctor leaves the disk as it found it
      const made = missingDirs(dir)
      try {
        makeDirSync(dir, 0o700)
        const st = statSync(dir)
        const mode = st.mode & 0o777
        accessSync(dir, constants.W_OK)
        // Windows has no uid and reports every writable dir as mode 666 (its ACLs are not in the mode
        // bits, as fs-safety.ts unsafeReason says): judged by them, every Windows cache dir failed
        if (typeof process.getuid !== 'function') {
          checks.push({ check: 'cache dir', ok: true, detail: `${dir} (no POSIX modes here: its ACLs decide who may read it)` })
        } else {
          const ownerOk = st.uid === process.getuid()
          // without its owner's r (mode 300, -wx) entries are written but never listed: keys, prune and eviction fail
          const ownerBits = (mode & 0o700) === 0o700
          checks.push({ check: 'cache dir', ok: (mode & 0o077) === 0 && ownerOk && ownerBits, detail: `${dir} mode ${mode.toString(8)}${(mode & 0o077) ? ' (should be 700: others can read or write it)' : !ownerBits ? ` (should be 700: without ${missingBits(mode)} the cache cannot ${(mode & 0o400) === 0 ? 'list its entries (keys, prune, eviction)' : 'use it'}; chmod 700 ${dir})` : ''}${ownerOk ? '' : ' (owned by another user)'}` })
        }
        const fs = statfsSync(dir)
        const free = fs.bavail * fs.bsize
        checks.push({ check: 'free disk', ok: free > 2 * config.cache.maxSize, detail: `${formatBytes(free)} free (maxSize ${formatBytes(config.cache.maxSize)})`, warn: free <= 2 * config.cache.maxSize })
        progress.set(`scanning the cache dir ${dir}`)
        const scopes = await listScopes(dir)
        const stale = scopes.filter(s => Date.now() - s.lastUsed > config!.cache.scopeMaxAge)
        checks.push({ check: 'scopes', ok: true, detail: `${scopes.length} ${scopes.length === 1 ? 'scope' : 'scopes'}, ${stale.length} unused for over ${formatDuration(config.cache.scopeMaxAge)} (${formatBytes(stale.reduce((a, s) => a + s.bytes, 0))}; pruned automatically)` })
      } catch (error) {
        // a read-only fs, one that takes no new dirs (/sys, /proc) or a dir not ours, said as such
        const why = whyUnwritable(dir, error)
        checks.push({ check: 'cache dir', ok: false, detail: why ? `${dir}: cannot be written: ${why.reason}` : `${dir}: ${errorMessage(error)}` })
      } finally {
        // deepest first; one that is not empty now (a run made entries meanwhile) is kept, and its parents
        for (const d of made) try { rmdirSync(d) } catch { break }
      }
      // each Redis named by the key path it is written at: `$env.ci.cache.driver[2]` for a tier in the
      // ci block (the merged `cache.driver[2]` is not a line of the file), as config errors name keys
      const { writtenPath } = await import('../../config/validate.js')
      const env = config.env
      const written = (path: string) => writtenPath(raw, applied, path, env)
      // an unstorage driver by name is imported on a tier's first use: a misspelt name, or its package
      // not installed, was a warning then (the tier skipped) and a clean doctor before
      const unstorageSpecs = driverSpecs(config, written, spec => spec.driver !== 'redis' && spec.driver !== 'memory' && spec.driver !== 'fs' && spec.driver !== 'instance')
      if (unstorageSpecs.length > 0) {
        const { unstorageDriverProblem } = await import('../../drivers/unstorage.js')
        for (const { spec, where } of unstorageSpecs) {
          progress.set(`loading the unstorage driver '${spec.driver}' (${where})`)
          const problem = await unstorageDriverProblem(spec.driver)
          checks.push(problem
            ? { check: 'driver', ok: false, detail: `${where}: ${errorMessage(problem)}` }
            : { check: 'driver', ok: true, detail: `${where}: unstorage's '${spec.driver}' driver loads` })
        }
      }
      for (const { spec, where } of driverSpecs(config, written, spec => spec.driver === 'redis')) {
        // the check waits 2 s for an answer below; the client's own timeout is the cache's, which also
        // bounds ioredis' ref'd disconnect timer (2000 here kept doctor up 2 s more on a frozen redis)
        const { client, release } = acquireRedis(spec, config.cache.timeout)
        let connected: RedisClient | undefined
        client.then(c => { connected = c }, () => {})
        // host and port for a tier given by them (the failure named the host alone: which of a fleet's Redis?)
        const shown = redact(spec.url ?? `${spec.host}:${spec.port ?? 6379}`)
        progress.set(`asking redis at ${shown} (${where})`)
        // ref'd on purpose, cleared below: the redis socket is unref'd, so this timer is what keeps the
        // process up while the check waits (unref'd, doctor ended mid-check: no output, exit 0)
        let timer: NodeJS.Timeout | undefined
        try {
          // ioredis imported first (the client made, connecting in the background): the 2 s are the
          // answer's; a cold import on a loaded CI machine took them whole, a healthy Redis failed
          const c = await client
          const t0 = performance.now()
          // a timeout, so connectionCause says why when the connection was never made (a rediss:// url on
          // a plain port: the TLS handshake did not finish), as the tier's warning does
          const deadline = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(Object.assign(new TimeoutError('redis', 2000), { message: 'no answer within 2 s' })), 2000) })
          deadline.catch(() => {})
          await Promise.race([c.ping(), deadline])
          const answered = formatDuration(performance.now() - t0)
          // a Cluster node answers PING, then MOVED or CLUSTERDOWN for the keys it does not serve: the
          // tier refuses it (E_REDIS_CLUSTER), so doctor says so (a Cluster of one node holding every slot works)
          const cluster = clusterProblem(await Promise.race([c.call('CLUSTER', 'INFO').catch(() => undefined), deadline]))
          checks.push(cluster
            ? { check: 'redis', ok: false, detail: `${shown} (${where}) is a node of a Redis Cluster (${cluster}): the redis driver speaks to one Redis, not to a Cluster (E_REDIS_CLUSTER); use a standalone Redis, or a Cluster of one node that holds every slot` }
            : { check: 'redis', ok: true, detail: `${shown} (${where}) answered in ${answered}` })
        } catch (error) {
          checks.push({ check: 'redis', ok: false, detail: `${shown} (${where}): ${redact(errorMessage(connectionCause(connected, error)))}` })
        } finally {
          clearTimeout(timer)
          await release()
        }
      }
    }
    progress.end()
    const problems = checks.filter(c => !c.ok && !c.warn)
    // every check is shown; a bad config exits as it does for every other command (2)
    if (problems.length > 0) process.exitCode = badConfig ? 2 : 1
    // a bad config (exit 2) is also the `error` every command's --json gives, its issues with their positions
    // its message on stderr too, as every command's error with --json (budget's beside its verdicts)
    if (args.json) {
      if (badConfig) console.error(badConfig.message)
      return printJson({ ok: problems.length === 0, checks, warnings, ...(badConfig && { error: jsonError(badConfig) }) })
    }
    // a detail of several lines (an invalid config's issues) stays in the detail column, without the
    // `[unperf]` prefix of the error it came from (the row already says what checked it)
    for (const c of checks) console.log(`${c.ok ? green('✔') : c.warn ? yellow('!') : red('✖')} ${c.check.padEnd(10)} ${c.detail.replaceAll('\n', `\n${' '.repeat(13)}`)}`)
    if (problems.length > 0) console.error(stderrColors.red(`\n${plural(problems.length, 'problem')}`))
  },
})

type RedisSpec = Parameters<typeof acquireRedis>[0]

/**
 * What makes a Redis unusable as one tier, from its `CLUSTER INFO` (an error there: no cluster
 * support, a standalone Redis: undefined): other nodes, or slots it does not serve.
 */
export function clusterProblem(info: unknown): string | undefined {
  if (typeof info !== 'string') return undefined
  const field = (name: string) => Number(new RegExp(`^${name}:(\\d+)`, 'm').exec(info)?.[1] ?? Number.NaN)
  const nodes = field('cluster_known_nodes')
  const slots = field('cluster_slots_assigned')
  if (nodes === 1 && slots === 16384) return undefined
  return `${Number.isNaN(nodes) ? '?' : nodes} ${nodes === 1 ? 'node' : 'nodes'}, ${Number.isNaN(slots) ? '?' : slots} of 16384 slots assigned`
}

/**
 * Every driver the config uses that `pick` selects (each Redis: once per server and database), with
 * the key paths that use it: the cache tiers, a namespace's own driver (`[i]` in a tier list),
 * report.historyDriver, each as `written` gives it (where it is written: `$env.ci.cache.driver[2]`).
 */
function driverSpecs<T extends ResolvedDriverSpec = RedisSpec>(config: ResolvedPerfConfig, written: (path: string) => string, pick: (spec: ResolvedDriverSpec) => boolean): { spec: T; where: string }[] {
  const found = new Map<string, { spec: T; where: string[] }>()
  const add = (spec: ResolvedDriverSpec | undefined, path: string) => {
    if (spec === undefined || !pick(spec)) return
    const where = written(path)
    const r = spec as RedisSpec
    const id = spec.driver === 'redis' ? JSON.stringify([r.url, r.host, r.port, r.db, r.username, r.tls]) : JSON.stringify(spec.driver)
    const seen = found.get(id)
    if (seen) { if (!seen.where.includes(where)) seen.where.push(where) } else found.set(id, { spec: spec as T, where: [where] })
  }
  for (const [i, t] of config.cache.tiers.entries()) add(t, config.cache.tiers.length > 1 ? `cache.driver[${i}]` : 'cache.driver')
  const root = JSON.stringify(config.cache.tiers)
  for (const [name, ns] of Object.entries(config.cache.namespaces)) {
    // a namespace without its own driver inherits the root tiers
    if (JSON.stringify(ns.tiers) !== root) for (const [i, t] of ns.tiers.entries()) add(t, `${keyPath('cache.namespaces', name)}.driver${ns.tiers.length > 1 ? `[${i}]` : ''}`)
  }
  add(config.report.historyDriver, 'report.historyDriver')
  return [...found.values()].map(f => ({ spec: f.spec, where: f.where.join(', ') }))
}

/** The dirs of `dir`'s path that are not there yet, deepest first (`dir` itself first when it is missing). */
function missingDirs(dir: string): string[] {
  const missing: string[] = []
  for (let d = dir; !existsSync(d) && dirname(d) !== d; d = dirname(d)) missing.push(d)
  return missing
}

/** The owner's permission bits `mode` lacks, as ls spells them ('r', 'r and x'). */
function missingBits(mode: number): string {
  return [[0o400, 'r'], [0o200, 'w'], [0o100, 'x']].filter(([bit]) => (mode & (bit as number)) === 0).map(([, name]) => name).join(' and ')
}
