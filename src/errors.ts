/**
 * Every error unperf throws: a stable `name` and `code`, the `[unperf]` prefix, `cause` kept.
 * Config errors carry `file`, `path`, `expected`, `found` for tests and `--json`. The CLI's own
 * (a failed bench or profile command, an interrupted bench, monitor's port) and the `--json` form
 * of any error are cli-errors.ts's.
 */

import { errorMessage } from './thrown-message.js'
import { cycleMessage, namespaceAccessMessage } from './error-messages.js'

/** What every message of unperf's errors starts with. */
export const PREFIX = '[unperf] '

// what was thrown, as text: a deferred module (error paths only)
export { errorMessage, thrownMessage } from './thrown-message.js'

/**
 * Why a file could not be read, as a message says it: `no such file`, `a directory, expected a
 * <what> file`, `permission denied`, else the error's own message (the run history, the test history).
 */
export function whyUnreadable(error: unknown, what: string): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code
  return code === 'ENOENT' ? 'no such file'
    : code === 'EISDIR' ? `a directory, expected a ${what} file`
      : code === 'E_NOT_A_FILE' ? `not a regular file (a FIFO, a socket or a device), expected a ${what} file`
        : code === 'EACCES' || code === 'EPERM' ? 'permission denied'
          : code === 'ERR_STRING_TOO_LONG' ? `too large to read (over 512 MiB), expected a ${what} file`
            : errorMessage(error)
}

/**
 * A JavaScript caller's slip: a value of the wrong type or out of range given to unperf's API
 * (`cache.set(42, v)`, `{ ttl: 0 }`, `pool.run('x')`, `perf.run(name, fn, { args })`). A TypeError
 * as before (`instanceof TypeError`, `name` 'TypeError'), whose `code` is 'E_INVALID_ARGUMENT':
 * like `message` and `stack`, an own property that is not enumerable. (`options` is spelt out, not
 * lib es2022's `ErrorOptions`: a consumer on an older `lib` failed to type-check this declaration.)
 */
export function argumentError(message: string, options?: { cause?: unknown }): TypeError & { code: 'E_INVALID_ARGUMENT' } {
  // its message starts '[unperf] ' as a PerfError's does (the docs' promise for every error thrown at
  // the caller): half of the call sites wrote it, half not (perf.run(''), a pool's run('x'))
  const text = message.startsWith('[unperf]') ? message : PREFIX + message
  return Object.defineProperty(new TypeError(text, options), 'code', { value: 'E_INVALID_ARGUMENT', writable: true, configurable: true }) as TypeError & { code: 'E_INVALID_ARGUMENT' }
}

export class PerfError extends Error {
  override name = 'PerfError'
  code: string
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message.startsWith('[unperf]') ? message : PREFIX + message, options)
    this.code = code
  }
}

export interface ConfigIssue {
  /** Config file the value came from, relative to rootDir as messages name it (absolute outside rootDir), or 'overrides' / 'defaults'. */
  file: string
  /** That file's absolute path, when the issue is in a file. */
  filePath?: string
  /** Key path, e.g. `cache.ttl` or `budgets.files[0].limit`. */
  path: string
  expected: string
  found: unknown
  /** Where the key is written in `file` (1-based), when it is found there: the message then starts `perf.config.ts:14:5: `. */
  line?: number
  column?: number
  /** Full one-line message: `perf.config.ts: cache.ttl: expected …, got …` (`perf.config.ts:14:5: cache.ttl: …` with a position). */
  message: string
}

/** A config that cannot be used. Lists every problem. The CLI exits 2 on it. */
export class ConfigError extends PerfError {
  override name = 'ConfigError'
  // not enumerable: Node's dump of an uncaught ConfigError (a host's `await createPerf()` without a
  // try/catch; util.inspect with customInspect off) printed every issue again after the message
  // that lists them, then the first one's file, path, expected and found. Still properties: read
  // them as before (`error.issues`); --json carries them (jsonError)
  declare issues: ConfigIssue[]
  declare file: string
  declare path: string
  declare expected: string
  declare found: unknown
  constructor(issues: ConfigIssue[], options?: { cause?: unknown }) {
    const head = issues.length === 1 ? 'invalid config' : `invalid config (${issues.length} problems)`
    super('E_CONFIG', `${head}:\n${issues.map(i => `  - ${i.message}`).join('\n')}`, options)
    const first = issues[0]
    const hidden = (value: unknown) => ({ value, writable: true, configurable: true, enumerable: false })
    Object.defineProperties(this, {
      issues: hidden(issues), file: hidden(first?.file ?? ''), path: hidden(first?.path ?? ''), expected: hidden(first?.expected ?? ''), found: hidden(first?.found),
    })
  }
}

/** A value found where something else was expected, told by its type only (a credential's value is never shown). */
export class NotShown {
  constructor(readonly description: string) {}
  toString(): string { return this.description }
}

export { configIssue, durationUnitsHint, formatFound, roundsToZeroHint } from './config-issue.js'

/** A pool task or a remote operation ran past its timeout. */
export class TimeoutError extends PerfError {
  override name = 'TimeoutError'
  timeout: number
  constructor(what: string, timeout: number) {
    super('E_TIMEOUT', `${what} timed out after ${timeout}ms`)
    this.timeout = timeout
  }
}

/** `perf.graph()` found a dependency cycle. */
export class CycleError extends PerfError {
  override name = 'CycleError'
  cycle: string[]
  constructor(cycle: string[]) {
    super('E_CYCLE', cycleMessage(cycle))
    this.cycle = cycle
  }
}

/**
 * `perf.graph(tasks, { stopOnError: true })`: a task failed and the graph stopped (the tasks
 * running saw their signal abort, the others never started). `cause` is the task's error.
 */
export class GraphError extends PerfError {
  override name = 'GraphError'
  task: string
  /**
   * What the graph had done when it stopped: results, ran, failed (this task), skipped. Not
   * enumerable: an uncaught GraphError printed every result of thousands of tasks.
   */
  declare result: import('./runtime/types.js').GraphResult
  constructor(task: string, cause: unknown, result: import('./runtime/types.js').GraphResult) {
    super('E_GRAPH_STOPPED', `graph task '${task}' failed, graph stopped: ${errorMessage(cause)}`, { cause })
    this.task = task
    Object.defineProperty(this, 'result', { value: result, enumerable: false, writable: true, configurable: true })
  }
}

/** An optional dependency the config asks for is not installed. */
export class MissingDependencyError extends PerfError {
  override name = 'MissingDependencyError'
  constructor(pkg: string, option: string, cause?: unknown) {
    super('E_MISSING_DEP', `${option} needs the package '${pkg}': install it (npm i ${pkg}) or remove ${option} from perf.config`, { cause })
  }
}

/**
 * A plugin namespace was opened by name, or a plugin's own `cache` was asked for another namespace
 * (`from`: that plugin's namespace; its `namespace()` opens none).
 */
export class NamespaceAccessError extends PerfError {
  override name = 'NamespaceAccessError'
  constructor(namespace: string, from?: string) {
    super('E_NAMESPACE_RESERVED', namespaceAccessMessage(namespace, from))
  }
}

/** A plugin threw; reported with its name, never rethrown into the host command. */
/** Where a failing plugin is listed (PluginError): for its message, and the report's warning. */
export interface PluginErrorSource { listed?: string | undefined; file?: string | undefined; path?: string | undefined }

export class PluginError extends PerfError {
  override name = 'PluginError'
  plugin: string
  hook?: string
  /** Where the plugin is listed: `plugins[3] in perf.config.ts`, `plugins[0] of the preset 'acme' (node_modules/acme/perf.config.mjs)`. */
  listed?: string
  /** The file of the config layer that lists it (absolute). */
  file?: string
  /** Its entry's key path in that file: `plugins[3]`, `$env.ci.plugins[0]`. */
  path?: string
  constructor(plugin: string, where: string, cause: unknown, source?: PluginErrorSource) {
    const listed = source?.listed
    super('E_PLUGIN', `plugin '${plugin}'${listed ? ` (${listed})` : ''} failed in ${where}: ${errorMessage(cause)}`, { cause })
    this.plugin = plugin
    this.hook = where
    if (listed) this.listed = listed
    if (source?.file !== undefined) this.file = source.file
    if (source?.path !== undefined) this.path = source.path
  }
}

/** Bad CLI usage: the CLI exits 2. */
export class UsageError extends PerfError {
  override name = 'UsageError'
  constructor(message: string) {
    super('E_USAGE', message)
  }
}

/** A metric name or label Prometheus would reject, a bad value, or a name registered twice with different types. */
export class MetricError extends PerfError {
  override name = 'MetricError'
  /** The full (prefixed) metric name, when known. */
  metric?: string
  constructor(message: string, metric?: string) {
    super('E_METRIC', message)
    if (metric !== undefined) this.metric = metric
  }
}
