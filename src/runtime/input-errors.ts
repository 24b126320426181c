/**
 * The TypeErrors the execution API (perf.run, perf.span, perf.mark, perf.pool, perf.graph, a pool's
 * run() and map()) gives a JavaScript caller's slip: each names the call, the argument, what is
 * expected and why, and what came (`got number`). Checked once per call, before any work starts;
 * a promise-returning method rejects with them, a synchronous one throws them.
 */
import { CREATE_OPTIONS, createOptionType, GRAPH_OPTIONS, isName, knownKeys, WORKER_OPTIONS } from './input-checks.js'
import { argumentError, ConfigError, formatFound, PerfError, type ConfigIssue } from '../errors.js'
import { describeInput } from './describe-input.js'
import { didYouMean } from '../config/did-you-mean.js'
import { keyPath } from '../config/key-path.js'
import { TASK_SETTINGS } from './pool-options.js'

/** A pool's settings: its config (concurrency.pools.<name>); of these, one call can give its own all but concurrency. */
const POOL_SETTINGS = ['concurrency', 'timeout', 'retries', 'backoff', 'maxBackoff']
/** The worker threads' settings (concurrency.workers). */
const WORKER_SETTINGS = ['max', 'idleTimeout', 'maxMemory']
/** What a pool's run() and map() read (a graph's group is unperf's own): its settings for one call too (pool-options.ts). */
const RUN_OPTIONS = ['signal', ...TASK_SETTINGS]
const MAP_OPTIONS = ['stopOnError', ...RUN_OPTIONS]

/** Where a pool's setting is configured: `concurrency.pools.net.timeout` (`concurrency.default` for the default pool's size). */
function poolSettingPath(pool: string, key: string): string {
  return pool === 'default' && key === 'concurrency' ? 'concurrency.default' : `${keyPath('concurrency.pools', pool)}.${key}`
}

/**
 * An option the call does not read (`run(fn, { priority })`, `map(items, fn, { concurrency: 4 })` as
 * p-queue and p-map take them): it was ignored, silently. Says what the call takes and, for a pool's
 * or the worker threads' setting (`setting` gives where it is configured), where to set it.
 */
export function unknownOptionError(where: string, options: object, known: readonly string[], setting: (key: string) => string | undefined): TypeError | undefined {
  const key = Object.keys(options).find(k => !known.includes(k))
  if (key === undefined) return undefined
  return argumentError(`${where}: unknown option '${key}' (it takes { ${known.join(', ')} })${setting(key) ?? didYouMean(key, known)}`)
}

/** perf.workers.run()'s options: a key it does not read. */
export function workerOptionsError(options: object): TypeError | undefined {
  return unknownOptionError('[unperf] perf.workers.run(moduleUrl, exportName, args, options)', options, WORKER_OPTIONS, key =>
    WORKER_SETTINGS.includes(key) ? `; ${key} is a setting of the worker threads, not of one call: set it in the config (concurrency.workers.${key})` : undefined)
}

/** A name that is not a non-empty string. */
const badName = (name: unknown): boolean => !isName(name)

export function runNameError(name: unknown): TypeError | undefined {
  if (!badName(name)) return undefined
  return argumentError(`perf.run(name, fn): name must be a non-empty string (the command's name in reports, budgets and metrics), got ${describeInput(name)}`)
}

/**
 * perf.run(name, fn, options) given options it cannot read: not an object, a key other than argv
 * (`{ args }` was ignored: the command got the process's arguments), or an argv that is not an array
 * of strings (`{ argv: '--x' }` made ctx.argv a string, where hooks and adapters expect an array).
 */
export function runOptionsError(name: string, options: unknown): TypeError {
  const where = `perf.run('${name}', fn, options)`
  if (typeof options !== 'object' || options === null || Array.isArray(options)) return argumentError(`${where}: options must be an object ({ argv }), got ${describeInput(options)}`)
  const unknown = Object.keys(options).find(k => k !== 'argv')
  if (unknown !== undefined) return argumentError(`${where}: unknown option '${unknown}' (it takes { argv })${didYouMean(unknown, ['argv'])}`)
  const argv: unknown = (options as { argv?: unknown }).argv
  if (!Array.isArray(argv)) return argumentError(`perf.run('${name}', fn, { argv }): argv must be an array of strings (the command's arguments), got ${typeof argv === 'string' ? `'${argv}' (a string: pass ['${argv}'])` : describeInput(argv)}`)
  const at = argv.findIndex(a => typeof a !== 'string')
  return argumentError(`perf.run('${name}', fn, { argv }): argv[${at}] must be a string, got ${describeInput(argv[at])}`)
}

/** perf.run(name, fn) given a fn that is not a function (it failed inside the command: 'fn is not a function'). */
export function runFnError(name: string, fn: unknown): TypeError | undefined {
  if (typeof fn === 'function') return undefined
  return argumentError(`perf.run('${name}', fn): fn must be a function (the command's work, called with its context), got ${describeInput(fn)}`)
}

/** perf.span() given a name that is not a non-empty string, or a fn that is not a function. */
export function spanInputError(name: unknown, fn: unknown): TypeError | undefined {
  if (badName(name)) return argumentError(`perf.span(name, fn): name must be a non-empty string (the span's name in the report and the trace), got ${describeInput(name)}`)
  if (typeof fn !== 'function') return argumentError(`perf.span('${name as string}', fn): fn must be a function (the work to time), got ${describeInput(fn)}`)
  return undefined
}

/** perf.mark(name): a number made a startup phase named 42 in the report. */
/**
 * perf.memory.snapshot(label) with a label that is not a string: it was kept as it was, and one JSON
 * cannot hold (a cycle, a BigInt) made the report and the history go unwritten (a warning naming JSON's complaint, not the label).
 */
export function snapshotLabelError(label: unknown): TypeError {
  return argumentError(`perf.memory.snapshot(label): label must be a string (the snapshot's name in the report; none: '#1', '#2', ...), got ${describeInput(label)}`)
}

export function markNameError(name: unknown): TypeError | undefined {
  if (!badName(name)) return undefined
  return argumentError(`perf.mark(name): name must be a non-empty string (the startup phase it starts, in the report and the trace), got ${describeInput(name)}`)
}

export function poolNameError(name: unknown): TypeError | undefined {
  if (name === undefined || !badName(name)) return undefined
  return argumentError(`perf.pool(name): name must be a non-empty string (a key of concurrency.pools, or any name for a pool with the default settings), got ${describeInput(name)}`)
}

/** perf.graph(tasks, options): options an object, its name a non-empty string, stopOnError a boolean. */
export function graphOptionsError(options: unknown): TypeError | undefined {
  const invalid = optionsError(options, 'perf.graph(tasks, options)', '{ name, pool, stopOnError, signal }')
  if (invalid || options === undefined) return invalid
  if (!knownKeys(options as object, GRAPH_OPTIONS)) {
    const pool = (options as { pool?: unknown }).pool
    const name = isName(pool) ? pool : 'default'
    return unknownOptionError('perf.graph(tasks, options)', options as object, GRAPH_OPTIONS, key =>
      POOL_SETTINGS.includes(key) ? `; ${key} is a setting of the pool the graph's tasks run in ('${name}'): set it in the config (${poolSettingPath(name, key)}), or run the graph in a pool of its own ({ pool: 'graph' })` : undefined)
  }
  const { name, stopOnError } = options as { name?: unknown; stopOnError?: unknown }
  if (name == null) return stopOnErrorError(stopOnError, 'perf.graph(tasks, { stopOnError })')
  if (badName(name)) return argumentError(`perf.graph(tasks, { name }): name must be a non-empty string (the graph's span in the report and the trace), got ${describeInput(name)}`)
  return stopOnErrorError(stopOnError, 'perf.graph(tasks, { stopOnError })')
}

/** An options argument that is not an object (`map(items, fn, true)`): its keys would be read as absent. */
export function optionsError(options: unknown, where: string, keys: string): TypeError | undefined {
  if (options === undefined || (typeof options === 'object' && options !== null && !Array.isArray(options))) return undefined
  return argumentError(`${where}: options must be an object (${keys}), got ${describeInput(options)}`)
}

/**
 * `stopOnError` that is not a boolean: 'yes' (or 1) read as false, so a caller who asked to stop on
 * the first failure ran every item. Omitted (undefined or null) is false.
 */
export function stopOnErrorError(value: unknown, where: string): TypeError | undefined {
  if (value === undefined || value === null || typeof value === 'boolean') return undefined
  return argumentError(`${where}: stopOnError must be true or false (true: the first failure aborts the work in flight and starts no more), got ${typeof value === 'string' ? `'${value}'` : describeInput(value)}`)
}

/**
 * pool.map(items, fn, options): fn a function, items an array or another iterable, options an
 * object, stopOnError a boolean (its signal: signalError in pool-job.ts). Once per map, not per item.
 */
export function mapInputError(pool: string, items: unknown, fn: unknown, options: unknown): TypeError | undefined {
  // a JavaScript caller's slip said 'm.fn is not a function' per item
  if (typeof fn !== 'function') return argumentError(`pool '${pool}': map(items, fn): fn must be a function (called with item, index, signal), got ${fn === null ? 'null' : typeof fn}`)
  if (!Array.isArray(items) && typeof (items as { [Symbol.iterator]?: unknown } | null | undefined)?.[Symbol.iterator] !== 'function' &&
    typeof (items as { [Symbol.asyncIterator]?: unknown } | null | undefined)?.[Symbol.asyncIterator] !== 'function') {
    return argumentError(`pool '${pool}': map(items, fn): items must be an array, another iterable or an async iterable, got ${items === null ? 'null' : typeof items}`)
  }
  return optionsError(options, `pool '${pool}': map(items, fn, options)`, `{ ${MAP_OPTIONS.join(', ')} }`)
    ?? (options === undefined ? undefined : unknownOptionError(`pool '${pool}': map(items, fn, options)`, options as object, MAP_OPTIONS, poolSetting(pool)))
    ?? stopOnErrorError((options as { stopOnError?: unknown } | undefined)?.stopOnError, `pool '${pool}': map(items, fn, { stopOnError })`)
}

/** Reached for concurrency alone: the other settings are options of run() and map() too. */
const poolSetting = (pool: string) => (key: string): string | undefined => POOL_SETTINGS.includes(key)
  ? `; ${key} is a setting of the pool, not of one call: set it in the config (${poolSettingPath(pool, key)}), or give this work a pool of its own`
  : undefined

/**
 * pool.run(fn, options) given a fn that is not a function (it failed in a slot: 'fn is not a
 * function'), options that are not an object (`run(fn, 'fast')`: its signal was read as absent), or
 * a key it does not read. A bad value of a setting it reads: pool-options.ts.
 */
export function poolRunError(pool: string, fn: unknown, options: unknown): TypeError | undefined {
  if (typeof fn !== 'function') return argumentError(`pool '${pool}': run(fn): fn must be a function (the task, called with an AbortSignal), got ${describeInput(fn)}`)
  return optionsError(options, `pool '${pool}': run(fn, options)`, `{ ${RUN_OPTIONS.join(', ')} }`)
    ?? (options === undefined ? undefined : unknownOptionError(`pool '${pool}': run(fn, options)`, options as object, RUN_OPTIONS, poolSetting(pool)))
}

/**
 * createPerf(options) given options that are not an object, a key it does not read (a typo: `rootdir`,
 * `configfile`), or a value not of its type (`env: 123`, `name: 42`): every problem, as a ConfigError
 * (a host's bad setup, as a bad config is), each with a did-you-mean for an unknown key.
 */
export function createOptionsError(options: unknown): ConfigError {
  const known = [...CREATE_OPTIONS]
  const file = 'createPerf(options)'
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    const expected = `an object ({ ${known.join(', ')} })`
    return new ConfigError([{ file, path: '', expected, found: options, message: `createPerf(options): expected ${expected}, got ${formatFound(options)}` }])
  }
  const issues: ConfigIssue[] = []
  for (const [key, value] of Object.entries(options)) {
    const type = createOptionType(key)
    if (type === undefined) {
      issues.push({ file, path: key, expected: `one of ${known.join(', ')}`, found: key, message: `createPerf({ ${key} }): unknown option${didYouMean(key, known)} (it takes { ${known.join(', ')} })` })
    } else if (value !== undefined && type !== 'object' && typeof value !== type) {
      issues.push({ file, path: key, expected: `a ${type}`, found: value, message: `createPerf({ ${key} }): expected a ${type}, got ${formatFound(value)}` })
    }
  }
  return new ConfigError(issues)
}

/**
 * A rootDir or cwd option (of createPerf, loadPerfConfig, the adapters) that is not a directory:
 * `found` is 'missing', 'a file', or the error code of the look (ENOTDIR: a path through a file).
 */
export function dirOptionError(caller: string, option: 'rootDir' | 'cwd', dir: string, found: string): ConfigError {
  const role = option === 'rootDir' ? 'where perf.config is looked for' : 'the project the command works on; also where perf.config is looked for unless rootDir is given'
  const what = found === 'missing' ? 'does not exist' : found === 'a file' ? 'is a file' : `cannot be read as a directory (${found})`
  const message = `${caller}({ ${option} }): '${dir}' ${what}: expected a directory (${role})`
  return new ConfigError([{ file: `${caller}(options)`, path: option, expected: 'an existing directory', found: dir, message }])
}

/** getPerf() with no instance: none made yet, or the last one closed (`ended`). */
export function noPerfError(ended: boolean): PerfError {
  return new PerfError('E_NO_PERF', ended
    // code after the run (an update check, a library call): "yet" sent its author looking for a missing createPerf()
    ? '[unperf] getPerf(): no open perf instance: the last one was closed (perf.close(), or the end of an adapter\'s run); code that may run outside a run uses tryGetPerf()'
    : '[unperf] getPerf(): no perf instance yet: call createPerf() (or use an adapter) first')
}
