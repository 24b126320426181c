/** `unperf cache info|list|get|clear|prune|verify|stats`: every driver, redis included. */
import { createInterface } from 'node:readline/promises'
import { defineCommand } from 'citty'
import { formatBytes, formatDuration } from '../../config/units.js'
import type { ResolvedPerfConfig } from '../../config/types.js'
import { UsageError } from '../../errors.js'
import { isExpired, type StoredEntry } from '../../drivers/types.js'
import { createHookRegistry } from '../../hooks/registry.js'
import { createCacheManager, storedNamespaces } from '../../runtime/cache/index.js'
import type { CacheNamespace } from '../../runtime/cache/namespace.js'
import { clearTiers, keysOf } from '../../runtime/cache/namespace-management.js'
import { filesKeysHint, otherNamespacesHint } from '../cache-get-hints.js'
import { createWarnOnce, redact } from '../../runtime/warn.js'
import type { PerfCache } from '../../runtime/types.js'
import { cliConfig, cliHistory } from '../_context.js'
import { checkNamespaceArg, checkNamespaceKnown } from '../cache-namespace-arg.js'
import { commandNamesCell } from '../command-names-cell.js'
import { bold, configArgs, dim, doneMark, green, plural, printable, printJson, red, table, truncate, yellow } from '../_ui.js'
import { createProgress, type Progress } from '../progress.js'

/** `cache list` reads up to this many entries at once, and no more than LIST_WINDOW_BYTES of them (by the largest read so far). */
const LIST_WINDOW = 100
const LIST_WINDOW_BYTES = 64 * 1024 * 1024

/** How long a Redis or unstorage tier gets to list the scope's keys for --all without an answer (info() gives it a few of cache.timeout in all). */
const REMOTE_LISTING_MS = 30_000

const nsArg = { namespace: { type: 'string', description: 'Only this namespace (plugin:<name> for a plugin\'s)' } } as const

function open(resolved: ResolvedPerfConfig, progress: Progress) {
  // these commands manage what is stored, also while the runtime cache is switched off (cache.enabled:
  // false, UNPERF_CACHE=0): `cache clear --all` must not report 0 entries cleared and leave them all
  delete process.env.UNPERF_CACHE
  const config = { ...resolved, cache: { ...resolved.cache, enabled: true } }
  const warnOnce = createWarnOnce()
  // what could not be reached or listed: the command's result does not cover it (exit 1, below)
  const problems: string[] = []
  const warn: typeof warnOnce = Object.assign((code: string, message: string) => {
    // a corrupt entry found on the way was removed and reported (a miss, as at runtime): the result
    // still covers every entry, so it is no tier problem (`cache verify` is the check that fails on it)
    if (!warnOnce.seen.has(code) && !code.startsWith('cache-corrupt:')) problems.push(redact(message))
    progress.clear()
    warnOnce(code, message)
  }, { seen: warnOnce.seen, said: warnOnce.said })
  const hooks = createHookRegistry()
  // a command looking at the cache leaves the disk as it found it: no scope dir made, marked or pruned
  const m = createCacheManager({ config, hooks, warn, inspect: true })
  const names = [...new Set(['default', 'shared', ...Object.keys(config.cache.namespaces)])]
  const get = (name: string): PerfCache => name.startsWith('plugin:') ? m.pluginNamespace(name.slice(7)) : name === 'default' ? m.root : m.namespace(name)
  // every namespace: the configured ones, then those found on disk or in Redis (plugins', opened by name);
  // a remote tier gets longer to list its keys than info() gives it, and one that could not is said
  const onUnlisted = (kind: string, reason: string) => warn(`unlisted-${kind}`, `the ${kind} tier could not list its keys (${reason}): namespaces kept only there are not covered (name one with --namespace)`)
  const every = async () => {
    progress.set('listing namespaces')
    return [...new Set([...names, ...(await storedNamespaces(config, undefined, { boundMs: REMOTE_LISTING_MS, onUnlisted, whileAnswered: true }))])]
  }
  /** The namespaces a command goes through (one, or every one), with the progress line saying which. */
  const each = async function* (what: string, only?: string) {
    const list = only ? [only] : await every()
    for (let i = 0; i < list.length; i++) {
      progress.set(list.length > 1 ? `${what} '${list[i]}' (namespace ${i + 1} of ${list.length})` : `${what} '${list[i]}'`)
      yield list[i]!
    }
  }
  // `cache get` that found its key: the value is the one a run gets (the tiers before the one that
  // failed answered), so nothing of the result is left out by it (below, withCache)
  const answered = { value: false }
  return { m, every, each, get, problems, progress, answered, hooks }
}

/** clear() counting every stored entry it removed, expired ones included. */
function clearStored(cache: PerfCache): Promise<number> {
  const ns = cache as unknown as CacheNamespace
  return clearTiers(ns._tiers, ns._events, { expired: true })
}

async function withCache<T>(args: { cwd?: string; rootDir?: string; env?: string; namespace?: string }, fn: (c: ReturnType<typeof open>, config: ResolvedPerfConfig) => Promise<T>): Promise<T> {
  if (args.namespace !== undefined) checkNamespaceArg(args.namespace)
  const config = await cliConfig(args)
  const c = open(config, createProgress())
  try {
    if (args.namespace !== undefined) await checkNamespaceKnown(args.namespace, config, c.every)
    return await fn(c, config)
  } finally {
    await c.m.close()
    // each command ends the line before it prints its result; here for the paths that threw
    c.progress.end()
    // a tier that failed (a Redis refusing the password, down, ...): what was printed leaves it out, and
    // a CI job clearing the shared cache must not pass on `removed: 0`
    // `cache get` that found its value: the tier's warning stays, the exit is 0 (`v=$(unperf cache get k) ||
    // recompute` read exit 1 as a missing key, as `git config --get` would mean it, and --json's document had no error)
    if (c.problems.length > 0 && !c.answered.value) {
      process.stderr.write(`[unperf] incomplete: ${plural(c.problems.length, 'tier problem')} above; the result does not cover what could not be reached\n`)
      process.exitCode ||= 1
    }
  }
}

/**
 * A result for --json, with the tier problems beside it as the `error` every command's --json gives
 * (as budget and doctor put theirs beside their verdicts): `{ removed: 5 }` alone, exit 1, read as a
 * complete clear to a CI step that parses the document rather than the exit code and stderr.
 */
function complete<T extends object>(problems: string[], result: T): T & { error?: { name: 'CacheError'; code: 'E_INCOMPLETE'; message: string } } {
  if (problems.length === 0) return result
  const message = `incomplete: the result does not cover what could not be reached (${problems.join('; ')})`
  return { ...result, error: { name: 'CacheError' as const, code: 'E_INCOMPLETE' as const, message } }
}

const info = defineCommand({
  meta: { name: 'info', description: 'Per namespace: driver, entries, size, its limit, TTL; the total against cache.maxSize' },
  args: { ...configArgs, ...nsArg },
  run: ({ args }) => withCache(args, async ({ each, get, progress, problems }, config) => {
    const rows = []
    const total = { entries: 0, bytes: 0, maxSize: config.cache.maxSize }
    // what info() counts over all namespaces (fs dirs on disk, those not listed here included)
    const counted = { entries: 0, bytes: 0 }
    // every namespace, as list/prune/verify/clear --all: the configured ones and those on disk (plugins', opened by name)
    for await (const name of each('counting', args.namespace)) {
      const i = await get(name).info()
      const ns = config.cache.namespaces[name]
      const ttl = (ns?.ttl ?? config.cache.ttl)
      rows.push({ namespace: name, driver: i.driver, dir: i.dir, entries: i.entries, bytes: i.bytes, maxSize: i.maxSize, ttl })
      total.entries += i.entries
      total.bytes += i.bytes
      counted.entries = Math.max(counted.entries, i.total.entries)
      counted.bytes = Math.max(counted.bytes, i.total.bytes)
    }
    // redis and unstorage tiers are outside info()'s total: the listed namespaces are the floor
    const others = { entries: Math.max(0, counted.entries - total.entries), bytes: Math.max(0, counted.bytes - total.bytes) }
    total.entries += others.entries
    total.bytes += others.bytes
    progress.end()
    if (args.json) return printJson(complete(problems, { enabled: config.cache.enabled, dir: config.cache.dir, maxSize: config.cache.maxSize, namespaces: rows, total }))
    console.log(`cache ${config.cache.enabled ? green('on') : red('off')} · ${config.cache.dir}`)
    const lines = rows.map(r => [printable(r.namespace), r.driver, String(r.entries), formatBytes(r.bytes), formatBytes(r.maxSize), r.ttl === false ? 'never' : formatDuration(r.ttl)])
    if (others.entries > 0 || others.bytes > 0) lines.push([dim('(other namespaces)'), '', String(others.entries), formatBytes(others.bytes), '', ''])
    const over = total.bytes > total.maxSize ? yellow : (s: string) => s
    lines.push([bold('total'), '', bold(String(total.entries)), over(bold(formatBytes(total.bytes))), bold(formatBytes(total.maxSize)), ''])
    console.log(table(lines, ['namespace', 'driver', 'entries', 'size', 'limit', 'ttl']))
  }),
})

const list = defineCommand({
  meta: { name: 'list', description: 'Keys with namespace, size, age and expiry' },
  args: { ...configArgs, ...nsArg, expired: { type: 'boolean', description: 'Only expired entries (kept until cache prune)' } },
  run: ({ args }) => withCache(args, async ({ each, get, progress }) => {
    const now = Date.now()
    const rows: { namespace: string; key: string; size: number; createdAt: number; expiresAt: number | null; expired: boolean }[] = []
    for await (const name of each('listing', args.namespace)) {
      const ns = get(name) as unknown as CacheNamespace
      // as stored: expired entries too (keys() lists live ones only); listing removes nothing
      const keys = await keysOf(ns._tiers, ns._events, { expired: true })
      // read a window of entries at once (Redis answers them in one round trip: one at a time,
      // 100 000 entries took 19 s): 8 first, then as many as LIST_WINDOW_BYTES holds of the largest read so far
      let largest = 0
      for (let i = 0; i < keys.length;) {
        progress.set(`reading '${name}'`, i, keys.length)
        const window = keys.slice(i, i + (largest === 0 ? 8 : Math.max(1, Math.min(LIST_WINDOW, Math.floor(LIST_WINDOW_BYTES / largest)))))
        i += window.length
        const entries = await Promise.all(window.map(key => ns._tiers.peek(key)))
        entries.forEach((e, j) => {
          if (!e) return
          largest = Math.max(largest, e.size)
          // as a lookup sees it: past its ttl, or stamped ahead of the clock (types.ts)
          const expired = isExpired(e, now)
          if (args.expired && !expired) return
          rows.push({ namespace: name, key: window[j]!, size: e.size, createdAt: e.createdAt, expiresAt: e.expiresAt, expired })
        })
      }
    }
    progress.end()
    if (args.json) return printJson(rows)
    if (rows.length === 0) return console.log(dim('no entries'))
    console.log(table(rows.map(r => [printable(r.namespace), truncate(printable(r.key), 60), formatBytes(r.size), formatDuration(now - r.createdAt), r.expiresAt === null ? 'never' : r.expired ? red('expired') : `in ${formatDuration(r.expiresAt - now)}`]), ['namespace', 'key', 'size', 'age', 'expires']))
  }),
})

const get = defineCommand({
  meta: { name: 'get', description: 'A value (or its metadata with --json)' },
  args: { ...configArgs, ...nsArg, key: { type: 'positional', required: true, description: 'The key' } },
  run: ({ args }) => withCache(args, async ({ get: ns, every, progress, answered }) => {
    const namespace = ns(args.namespace ?? 'default')
    // an expired entry the lookup meets (and removes): one `cache list` showed as expired is told as such
    let stored: StoredEntry | undefined
    const entry = await (namespace as unknown as CacheNamespace)._entry(String(args.key), e => { stored ??= e })
    if (!entry) {
      // with --json too: the message on stderr and the error's shape on stdout, as every command's
      // (a bare `null` said nothing of what was missing, and nothing reached stderr)
      const now = Date.now()
      const expired = stored && stored.expiresAt !== null && stored.expiresAt <= now ? `: it expired ${formatDuration(now - stored.expiresAt)} ago` : ''
      const message = `no entry for '${args.key}'${expired || await filesKeysHint(namespace as unknown as CacheNamespace, args.namespace ?? 'default', String(args.key))
        || (args.namespace === undefined ? await otherNamespacesHint(String(args.key), every, ns) : '')}`
      progress.end() // the namespaces listed for the hint drew a progress line on a terminal
      console.error(`[unperf] ${message}`)
      if (args.json) printJson({ error: { name: 'CacheError', code: 'E_NO_ENTRY', message } })
      process.exitCode = 1
      return
    }
    answered.value = true
    // every field the contract names, `metadata: null` for an entry set without any (JSON drops undefined)
    // bytes as base64 with `encoding: 'base64'` beside them (a JSON value has no `encoding`), not Node's
    // { type: 'Buffer', data: [...] } (a Buffer's toJSON; a Uint8Array gave { "0": 1, "1": 2 })
    if (args.json) {
      const { value, createdAt, expiresAt, size, metadata } = entry
      const bytes = value instanceof Uint8Array ? Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64') : undefined
      return printJson({ value: bytes ?? value, ...(bytes !== undefined && { encoding: 'base64' }), createdAt, expiresAt, size, metadata: metadata ?? null })
    }
    // bytes as they are (`unperf cache get key > file`), not Node's { type: 'Buffer', data: [...] }
    if (entry.value instanceof Uint8Array) return void process.stdout.write(entry.value)
    // bytes inside a value as with --json (printJson): a Uint8Array is no object of indices
    if (typeof entry.value !== 'string') return printJson(entry.value)
    console.log(entry.value)
  }),
})

const clear = defineCommand({
  meta: { name: 'clear', description: 'Remove one key (--key), a namespace (--namespace) or everything (--all)' },
  args: { ...configArgs, ...nsArg, key: { type: 'string', description: 'One key (in --namespace, default: default)' }, all: { type: 'boolean', description: 'Every namespace' }, yes: { type: 'boolean', description: 'No confirmation (needed when stdin is not a terminal: CI, scripts)' } },
  run: ({ args }) => withCache(args, async ({ each, get: ns, progress, problems }) => {
    if (!args.key && !args.namespace && !args.all) throw new UsageError('unperf cache clear needs --key K, --namespace N or --all')
    // one target: `--all` beside `--key`/`--namespace` cleared only the key (or namespace), silently
    if (args.all && (args.key || args.namespace)) throw new UsageError(`unperf cache clear: --all clears every namespace; give it alone, or --key K (in --namespace N) / --namespace N without --all`)
    const what = args.key ? `key '${args.key}'` : args.all ? 'every namespace' : `namespace '${args.namespace}'`
    // no terminal to ask on (CI, cron, `< /dev/null`): without --yes nothing is removed, as gh's
    // `--yes required when not running interactively` (a script that clears must say so)
    if (!process.stdin.isTTY && !args.yes) throw new UsageError(`unperf cache clear: clearing ${what} asks for a confirmation, and there is no terminal to ask on (stdin is not a TTY): pass --yes to clear without asking`)
    // asked on stderr, so --json only changes the output: it is no --yes, and stdout stays one document
    if (!args.yes) {
      const rl = createInterface({ input: process.stdin, output: process.stderr })
      const answer = await rl.question(`Clear ${what}? [y/N] `)
      rl.close()
      if (!/^y(es)?$/i.test(answer.trim())) return args.json ? printJson({ removed: 0, cancelled: true }) : console.log('nothing cleared')
    }
    let removed = 0
    if (args.key) removed = (await ns(args.namespace ?? 'default').delete(args.key)) ? 1 : 0
    // the entries removed as `cache list` shows them, expired ones included (clear() counts the live ones)
    else for await (const name of each('clearing', args.all ? undefined : args.namespace)) removed += await clearStored(ns(name))
    progress.end()
    if (args.json) return printJson(complete(problems, { removed }))
    console.log(`${doneMark(problems.length === 0)} cleared ${what}: ${plural(removed, 'entry', 'entries')}`)
  }),
})

const prune = defineCommand({
  meta: { name: 'prune', description: 'Remove expired entries, then LRU down to maxSize' },
  args: { ...configArgs, ...nsArg },
  run: ({ args }) => withCache(args, async ({ each, get: ns, progress, problems }) => {
    let removed = 0
    for await (const name of each('pruning', args.namespace)) removed += await ns(name).prune()
    progress.end()
    if (args.json) return printJson(complete(problems, { removed }))
    console.log(`${doneMark(problems.length === 0)} pruned ${plural(removed, 'entry', 'entries')}`)
  }),
})

const verify = defineCommand({
  meta: { name: 'verify', description: 'Check every entry; corrupt ones are removed (exit 1 when any was found)' },
  args: { ...configArgs, ...nsArg },
  run: ({ args }) => withCache(args, async ({ each, get: ns, progress, problems, hooks }) => {
    const total = { checked: 0, corrupt: 0, removed: 0 }
    // which entries were corrupt (each told as a read that met it tells it: cache:error E_CORRUPT): the
    // count alone left the operator to guess which keys a job will now recompute; once per key, a copy
    // in two tiers is one entry
    const entries = new Map<string, { namespace: string; key: string }>()
    hooks.hook('cache:error', e => { if (e.code === 'E_CORRUPT' && e.key !== undefined) entries.set(`${e.namespace}\0${e.key}`, { namespace: e.namespace, key: e.key }) })
    for await (const name of each('verifying', args.namespace)) {
      const r = await ns(name).verify()
      total.checked += r.checked; total.corrupt += r.corrupt; total.removed += r.removed
    }
    progress.end()
    if (total.corrupt > 0) process.exitCode = 1
    if (args.json) return printJson(complete(problems, { ...total, entries: [...entries.values()] }))
    console.log(total.corrupt === 0 ? `${doneMark(problems.length === 0)} ${plural(total.checked, 'entry', 'entries')} checked, none corrupt` : `${red('✖')} ${total.corrupt} corrupt of ${plural(total.checked, 'entry', 'entries')}: removed`)
    if (entries.size > 0) console.log(table([...entries.values()].map(e => [printable(e.namespace), truncate(printable(e.key), 60)]), ['namespace', 'key']))
  }),
})

const stats = defineCommand({
  meta: { name: 'stats', description: 'Hit rates of the recorded runs' },
  args: { ...configArgs },
  async run({ args }) {
    const config = await cliConfig(args)
    // merged with report.historyDriver, as budget and report read it: a fresh CI clone has the fleet's runs
    const runs = (await cliHistory(config)).filter(h => h.cache.lookups > 0)
    const lookups = runs.reduce((a, r) => a + r.cache.lookups, 0)
    const hits = runs.reduce((a, r) => a + r.cache.hitRate * r.cache.lookups, 0)
    // no lookups: no hit rate (null, as budgets.cacheHitRate skips such a run), not a 0 % that reads as all misses
    const result = { runs: runs.length, lookups, hitRate: lookups ? hits / lookups : null, recent: runs.slice(-10).map(r => ({ time: r.time, commands: r.commands.map(c => c.name), ...r.cache })) }
    if (args.json) return printJson(result)
    if (runs.length === 0) return console.log(dim('no recorded run with cache lookups yet: no hit rate (budgets.cacheHitRate is not judged on a run without lookups)'))
    console.log(`${plural(runs.length, 'run')} with cache lookups, ${plural(lookups, 'lookup')}, ${(result.hitRate! * 100).toFixed(1)} % hits`)
    console.log(table(result.recent.map(r => [r.time.slice(0, 19).replace('T', ' '), commandNamesCell(r.commands), `${(r.hitRate * 100).toFixed(0)} %`, String(r.lookups)]), ['time', 'commands', 'hit rate', 'lookups']))
  },
})

export default defineCommand({
  meta: { name: 'cache', description: 'Inspect and manage the cache' },
  subCommands: { info, list, get, clear, prune, verify, stats },
})
