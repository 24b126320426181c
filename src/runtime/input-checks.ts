/**
 * The checks of the execution API's input that run on every call (perf.run, perf.mark, perf.pool,
 * perf.graph): cheap predicates on the start path. What a failed check says is built by
 * input-errors.ts, a deferred module (scripts/build.mjs): loaded only when a caller slips.
 */

/** A name: a non-empty string. */
export const isName = (name: unknown): name is string => typeof name === 'string' && name !== ''

/** perf.graph's options as they usually come: none, or an object whose name and stopOnError are what they should be. */
export function plainGraphOptions(options: unknown): boolean {
  if (options === undefined) return true
  if (typeof options !== 'object' || options === null || Array.isArray(options)) return false
  const { name, stopOnError } = options as { name?: unknown; stopOnError?: unknown }
  return (name == null || isName(name)) && (stopOnError == null || typeof stopOnError === 'boolean') && knownKeys(options, GRAPH_OPTIONS)
}

/** What perf.graph(tasks, options) reads. */
export const GRAPH_OPTIONS: readonly string[] = ['name', 'pool', 'stopOnError', 'signal']

/**
 * Whether every own key of an options object is one the call reads: a key it does not read (`run(fn,
 * { timeout })`, `map(items, fn, { concurrency })`, p-queue's and p-map's options) was ignored, silently.
 */
export function knownKeys(options: object, keys: readonly string[]): boolean {
  for (const key in options) if (!keys.includes(key) && Object.hasOwn(options, key)) return false
  return true
}

/** What perf.workers.run(moduleUrl, exportName, args, options) reads. */
export const WORKER_OPTIONS: readonly string[] = ['signal', 'timeout', 'retries', 'transferList', 'transferResult']

/** What createPerf(options) reads: a typo (`rootdir`) or a number was ignored, silently. */
export const CREATE_OPTIONS: readonly string[] = ['rootDir', 'cwd', 'name', 'env', 'configFile', 'overrides', 'noSnapshot', 'noExitHandlers']

/**
 * The type of each option createPerf(options) reads, `undefined` for any other key: a switch, not a
 * table made at every start (≈ 1 kB of young generation, session 29).
 */
export function createOptionType(key: string): 'string' | 'boolean' | 'object' | undefined {
  switch (key) {
    case 'rootDir': case 'cwd': case 'name': case 'env': case 'configFile': return 'string'
    case 'overrides': return 'object'
    case 'noSnapshot': case 'noExitHandlers': return 'boolean'
    default: return undefined
  }
}

/** createPerf's options as they come: an object of known keys, each of its type or undefined (overrides: checked by the config's validation). */
export function plainCreateOptions(options: unknown): boolean {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) return false
  for (const key in options) {
    const type = createOptionType(key)
    const value = (options as Record<string, unknown>)[key]
    if (type === undefined ? Object.hasOwn(options, key) : value !== undefined && type !== 'object' && typeof value !== type) return false
  }
  return true
}

/** What perf.run(name, fn, options) reads. */
const RUN_OPTIONS: readonly string[] = ['argv']

/** perf.run's options as they come: none, or { argv } with argv undefined or an array of strings. */
export function plainRunOptions(options: unknown): boolean {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) return false
  if (!knownKeys(options, RUN_OPTIONS)) return false
  const argv = (options as { argv?: unknown }).argv
  return argv === undefined || (Array.isArray(argv) && argv.every(a => typeof a === 'string'))
}
