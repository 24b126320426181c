/**
 * CPU-bound work in worker threads: `perf.workers.run(moduleUrl, exportName, args)`.
 * tinypool (imported on the first run) with `concurrency.workers`: max threads, idle timeout
 * (idle workers exit, so they never keep the process alive), per-task timeout and retries.
 */
import { existsSync } from 'node:fs'
import { isAbsolute } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { argumentError, MissingDependencyError, PerfError, TimeoutError } from '../errors.js'
import type { RuntimeContext } from './_internal.js'
import { isRetriable } from './retriable.js'
import { backoffDelay, MAX_TIMER_MS } from './backoff.js'
import { linkSignal } from './shared-signal.js'
import { threadSlots } from './worker-slots.js'
import { taskClock } from './worker-clock.js'
import { knownKeys, WORKER_OPTIONS } from './input-checks.js'
import { workerOptionsError } from './input-errors.js'
import { taskSettings } from './pool-options.js'
import type { PerfWorkers, WorkerRunOptions } from './types.js'
import { taskId } from './pool-job.js'
import type { TransferListItem } from 'node:worker_threads'

interface TinypoolLike {
  run(task: unknown, options?: { signal?: AbortSignal; transferList?: readonly TransferListItem[] }): Promise<unknown>
  destroy(): Promise<void>
}

export function createWorkers(ctx: RuntimeContext): PerfWorkers {
  const options = ctx.config.concurrency.workers
  let pool: Promise<TinypoolLike> | undefined
  const slots = threadSlots(options.max)
  // a pool's counters (PoolStats), per call as a pool counts its tasks: the report's pool 'workers'
  const counts = { completed: 0, failed: 0, cancelled: 0, retries: 0, timeouts: 0 }
  let calls = 0

  const getPool = () => (pool ??= (async () => {
    let Tinypool: new (o: Record<string, unknown>) => TinypoolLike
    try {
      ;({ Tinypool } = (await import('tinypool')) as unknown as { Tinypool: typeof Tinypool })
    } catch (error) {
      throw new MissingDependencyError('tinypool', 'perf.workers', error)
    }
    // maxMemory: each thread's old generation, whole MiB (undefined in a snapshot written before the key)
    const maxMemory = options.maxMemory ?? false
    return new Tinypool({
      filename: workerEntry(), minThreads: 0, maxThreads: options.max, idleTimeout: Math.min(options.idleTimeout, MAX_TIMER_MS),
      // a thread whose answer reports more heap than this is replaced: worker-entry.mjs reports Infinity
      // after an import failed there (never a real heap), so a module that failed to load is loaded anew
      maxMemoryLimitBeforeRecycle: RECYCLE_ABOVE,
      ...(maxMemory !== false && { resourceLimits: { maxOldGenerationSizeMb: Math.ceil(maxMemory / MIB) } }),
    })
  })())

  return {
    async run<T>(moduleUrl: string | URL, exportName: string, args: unknown[] = [], runOptions?: WorkerRunOptions): Promise<T> {
      const url = typeof moduleUrl === 'string' && isAbsolute(moduleUrl) ? pathToFileURL(moduleUrl).href : String(moduleUrl)
      // a relative path would be resolved inside unperf's own worker entry: say what is expected instead
      if (!/^[a-z][a-z\d+.-]*:/i.test(url)) {
        throw argumentError(`[unperf] perf.workers.run(): the module must be a file: URL or an absolute path, got '${url}' (resolve it against your module's URL first)`)
      }
      if (typeof exportName !== 'string' || exportName === '') {
        const got: unknown = exportName
        throw argumentError(`[unperf] perf.workers.run(): exportName must be a non-empty string (the name of the module's export to call), got ${got === '' ? "''" : got === null ? 'null' : typeof got}`)
      }
      // a single argument given bare (`run(url, 'square', 5)`) failed in the worker with 'Spread syntax requires ...iterable'
      if (!Array.isArray(args)) {
        throw argumentError(`[unperf] perf.workers.run(): args must be an array of the export's arguments, got ${args === null ? 'null' : typeof args} (wrap a single argument: [value])`)
      }
      // options that are not an object (a fourth argument given bare) had their keys read as absent, silently
      if (runOptions !== undefined && (typeof runOptions !== 'object' || runOptions === null || Array.isArray(runOptions))) {
        const got: unknown = runOptions
        throw argumentError(`[unperf] perf.workers.run(): options must be an object ({ signal, timeout, retries, transferList, transferResult }), got ${Array.isArray(got) ? 'an array' : got === null ? 'null' : typeof got}`)
      }
      // a key it does not read (`{ maxMemory }`, a setting of the threads) was ignored, silently
      if (runOptions !== undefined && !knownKeys(runOptions, WORKER_OPTIONS)) throw workerOptionsError(runOptions)!
      // the call's own timeout and retries, read and told as a pool call's (pool-options.ts); undefined: the config's
      const own = runOptions === undefined || (runOptions.timeout === undefined && runOptions.retries === undefined) ? undefined
        : taskSettings(runOptions as Record<string, unknown>, { timeout: options.timeout, retries: options.retries, backoff: BACKOFF, maxBackoff: MAX_BACKOFF }, undefined, '[unperf] perf.workers.run(moduleUrl, exportName, args')
      if (own instanceof TypeError) throw own
      const outside = runOptions?.signal ?? undefined
      const transferList = runOptions?.transferList
      if (transferList !== undefined && !Array.isArray(transferList)) {
        throw argumentError(`[unperf] perf.workers.run(): transferList must be an array of ArrayBuffers or MessagePorts, got ${typeof transferList}`)
      }
      if (transferList !== undefined) {
        // node says only "Found invalid object in transferList"
        transferList.forEach((item, i) => {
          if (ArrayBuffer.isView(item)) throw argumentError(`[unperf] perf.workers.run(): transferList[${i}] is a ${item.constructor.name}, a view of an ArrayBuffer: list its buffer (\`.buffer\`) to move its bytes`)
        })
      }
      if (outside !== undefined && !((outside as unknown) instanceof AbortSignal)) {
        // the AbortController passed instead of its signal: tinypool said 'abortSignal.once is not a function'
        const given: unknown = outside
        const got = given instanceof AbortController ? 'an AbortController (pass controller.signal)' : given === null ? 'null' : typeof given
        throw argumentError(`[unperf] perf.workers.run(): signal must be an AbortSignal, got ${got}`)
      }
      const transferResult = runOptions?.transferResult === true
      if (outside?.aborted) throw outside.reason
      // the call's own signal, following the outside one: many calls sharing one signal cost it one
      // listener (tinypool adds one per task: node warned past 10, MaxListenersExceededWarning)
      const link = outside && linkSignal(outside)
      calls++
      try {
        const result = await attempts<T>({ url, exportName, args, transferList, transferResult }, link?.signal, own?.timeout ?? options.timeout, own?.retries ?? options.retries)
        counts.completed++
        return result
      } catch (error) {
        // ended by the caller's signal or by close(): a cancellation, as a pool counts it
        if (outside?.aborted === true || (error as { code?: unknown } | null)?.code === 'E_WORKER_CLOSED') counts.cancelled++
        else counts.failed++
        throw error
      } finally {
        calls--
        link?.unlink()
      }
    },
    stats() {
      // the calls under way: at most max of them on a thread, the rest waiting for one (or for a retry)
      const active = Math.min(calls, options.max)
      return { name: WORKERS_POOL, concurrency: options.max, adaptive: false, active, queued: calls - active, ...counts }
    },
    async close() {
      if (!pool) return
      const p = await pool.catch(() => undefined)
      pool = undefined
      if (p === undefined) return
      closed.add(p)
      await p.destroy()
    },
  }

  /** The call's attempts (its retries), each under the timeout (the call's, else the config's); callSignal ends them. */
  async function attempts<T>(task: WorkerTask, callSignal: AbortSignal | undefined, timeout: number | false, maxRetries: number): Promise<T> {
    const { url, exportName, args, transferList, transferResult } = task
    const p = await getPool()
    // the task:* hooks, as a pool's tasks fire them (pool 'workers'): one id for all the call's attempts
    const hooks = ctx.hooks as RuntimeContext['hooks'] | undefined // (a context without hooks: tests' bare ones, as pools allow)
    const id = taskId()
    let started = 0
    // a buffer moved to the worker is detached here: an attempt cannot be made again
    const retries = transferList !== undefined && transferList.length > 0 ? 0 : maxRetries
    for (let attempt = 0; ; attempt++) {
      // with a timeout, an attempt waits for a free thread here, untimed: in tinypool's queue its
      // timer ran while it waited, and calls queued behind busy threads timed out without running
      let held = timeout !== false
      if (held) {
        await slots.acquire(callSignal)
        if (closed.has(p)) {
          slots.release()
          throw closedError(exportName, url, undefined)
        }
      }
      const controller = timeout === false ? undefined : new AbortController()
      const clock = controller && taskClock(controller, timeout as number)
      const signal = controller === undefined ? callSignal : callSignal === undefined ? controller.signal : AbortSignal.any([callSignal, controller.signal])
      let fromExport = false // the export's own error: never taken for the close's or a clone's
      started = performance.now()
      if (hooks?.hasListeners('task:start')) hooks.emit('task:start', { pool: WORKERS_POOL, id, attempt })
      try {
        const result = await p.run({ moduleUrl: url, exportName, args, ...(transferResult && { transferResult }), ...(clock && { taken: clock.taken }) }, signal === undefined && transferList === undefined ? {} : { ...(signal && { signal }), ...(transferList && { transferList }) })
        if (isErrorRecord(result)) {
          fromExport = true
          throw rebuildError(result[ERROR_RECORD])
        }
        if (hooks?.hasListeners('task:end')) hooks.emit('task:end', { pool: WORKERS_POOL, id, attempt, duration: performance.now() - started })
        return result as T
      } catch (error) {
        // the attempt's failure, told to task:error as a pool's (a cancelled one too)
        const ended = (failure: unknown) => {
          if (hooks?.hasListeners('task:error')) hooks.emit('task:error', { pool: WORKERS_POOL, id, attempt, duration: performance.now() - started, error: failure })
          return failure
        }
        if (callSignal?.aborted) throw ended(callSignal.reason) // cancelled by the caller: its reason, no retry
        // tinypool's destroy() rejects what runs and waits with a bare 'Terminating worker thread'
        if (!fromExport && closed.has(p)) throw ended(closedError(exportName, url, error))
        // node's postMessage of the task: "() => 1 could not be cloned.", not saying whose; a TypeError, never retried
        if (!fromExport && (error as { name?: unknown } | null)?.name === 'DataCloneError' && error instanceof DOMException) {
          throw ended(Object.assign(new TypeError(`[unperf] perf.workers.run(): the args of ${exportName} cannot be sent to a worker thread: ${error.message} (structured-clone data only: no functions, promises or class instances with methods)`, { cause: error }), { code: 'E_WORKER_ARGS' }))
        }
        const timedOut = controller?.signal.aborted === true
        if (timedOut) counts.timeouts++
        const failure = timedOut ? new TimeoutError(`worker task ${exportName} of ${url}`, timeout as number) : outOfMemory(error, exportName, url, options.maxMemory ?? false)
        if (attempt >= retries || !isRetriable(failure)) throw ended(failure)
        clock?.stop()
        if (held) slots.release() // not held through the backoff
        held = false
        const delay = backoffDelay(attempt, BACKOFF, MAX_BACKOFF) // the pools' backoff
        counts.retries++
        if (hooks?.hasListeners('task:retry')) hooks.emit('task:retry', { pool: WORKERS_POOL, id, attempt: attempt + 1, delay, error: failure })
        await backoff(delay, callSignal)
      } finally {
        clock?.stop()
        if (held) slots.release()
      }
    }
  }
}

const MIB = 1024 * 1024
/** tinypool's maxMemoryLimitBeforeRecycle: no heap reaches it; worker-entry.mjs's Infinity does. */
const RECYCLE_ABOVE = Number.MAX_VALUE
/** The `pool` of the worker tasks' task:* hook payloads. */
const WORKERS_POOL = 'workers'
/** The retries' backoff, the pools' default: base and cap of one delay (ms). */
const BACKOFF = 100
const MAX_BACKOFF = 10_000

interface WorkerTask { url: string; exportName: string; args: unknown[]; transferList: readonly TransferListItem[] | undefined; transferResult: boolean }

const closedError = (exportName: string, url: string, cause: unknown) =>
  new PerfError('E_WORKER_CLOSED', `worker task ${exportName} of ${url} was ended by perf.workers.close() (perf.close() calls it) before it finished: close after the tasks settle, or await them first`, { cause })

/** Pools close() destroyed: a call of theirs that fails then was ended by the close. */
const closed = new WeakSet<object>()

/** node's "Worker terminated due to reaching memory limit", naming the task and the limit it reached. */
function outOfMemory(error: unknown, exportName: string, url: string, maxMemory: number | false): unknown {
  if ((error as { code?: unknown } | null)?.code !== 'ERR_WORKER_OUT_OF_MEMORY') return error
  const limit = maxMemory === false ? "the process's heap limit (--max-old-space-size; concurrency.workers.maxMemory sets one per thread)" : `concurrency.workers.maxMemory (${Math.ceil(maxMemory / MIB)} MiB)`
  const failure = new Error(`[unperf] worker task ${exportName} of ${url} ran out of memory: its thread reached ${limit} and was ended (the pool starts another for the next task)`, { cause: error })
  return Object.assign(failure, { code: 'ERR_WORKER_OUT_OF_MEMORY' })
}

/**
 * The wait before a retry: ref'd (the caller awaits the retry), and ended at once by the caller's
 * signal, rejecting with its reason (it waited out the whole delay, up to 10 s, before).
 */
function backoff(ms: number, signal: AbortSignal | undefined): Promise<void> {
  if (signal === undefined) return new Promise(resolve => setTimeout(resolve, ms))
  if (signal.aborted) return Promise.reject(signal.reason)
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer)
      reject(signal.reason)
    }
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    signal.addEventListener('abort', onAbort, { once: true })
  })
}

/** worker-entry.mjs's marker of an error thrown by the export (an Error's own properties do not survive a structured clone). */
const ERROR_RECORD = '__unperfWorkerError'
/** An Error's parts (its cause and an AggregateError's errors as records of their own), or `{ value }`: a value thrown that is not an Error (null, a string), rethrown as it is. */
type ErrorRecord = { name: string; message: string; stack?: string; props: Record<string, unknown>; cause?: unknown; errors?: unknown[]; domException?: true } | { value: unknown }
const BUILT_IN: Record<string, ErrorConstructor> = { TypeError, RangeError, SyntaxError, ReferenceError, EvalError, URIError }

function isErrorRecord(value: unknown): value is { [ERROR_RECORD]: ErrorRecord } {
  return typeof value === 'object' && value !== null && Object.hasOwn(value, ERROR_RECORD) && Object.keys(value).length === 1
}

/** A recorded cause or error (a record of its own), or a value an older worker entry sent as it was. */
const fromRecord = (value: unknown): unknown => isErrorRecord(value) ? rebuildError(value[ERROR_RECORD]) : value

/** The export's error as the caller would have got it in its own thread: class (built-in ones, AggregateError with its errors, DOMException), name, message, stack, code and the other own properties, its cause rebuilt alike. */
function rebuildError(r: ErrorRecord): unknown {
  if ('value' in r) return r.value
  const options = r.cause === undefined ? undefined : { cause: fromRecord(r.cause) }
  const error: Error = r.domException ? new DOMException(r.message, r.name)
    : r.errors ? new AggregateError(r.errors.map(fromRecord), r.message, options)
      : new (BUILT_IN[r.name] ?? Error)(r.message, options)
  if (r.domException && options) Object.defineProperty(error, 'cause', { value: options.cause, writable: true, configurable: true })
  if (error.name !== r.name) Object.defineProperty(error, 'name', { value: r.name, writable: true, configurable: true })
  if (r.stack !== undefined) error.stack = r.stack
  return Object.assign(error, r.props)
}

/** worker-entry.mjs beside this file (source) or in dist/ (bundled into dist/ or dist/_chunks/). */
function workerEntry(): string {
  for (const candidate of ['./worker-entry.mjs', '../worker-entry.mjs']) {
    const path = fileURLToPath(new URL(candidate, import.meta.url))
    if (existsSync(path)) return path
  }
  throw new PerfError('E_INSTALL', 'worker-entry.mjs is missing from the package: reinstall unperf')
}
