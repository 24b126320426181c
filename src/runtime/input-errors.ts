/**
 * The TypeErrors the execution API (perf.run, perf.span, perf.mark, perf.pool, perf.graph, a pool's
 * run() and map()) gives a JavaScript caller's slip: each names the call, the argument, what is
 * expected and why, and what came (`got number`). Checked once per call, before any work starts;
 * a promise-returning method rejects with them, a synchronous one throws them.
 */
import { isName } from './input-checks.js'
import { describeInput } from './describe-input.js'

/** A name that is not a non-empty string. */
const badName = (name: unknown): boolean => !isName(name)

export function runNameError(name: unknown): TypeError | undefined {
  if (!badName(name)) return undefined
  return new TypeError(`perf.run(name, fn): name must be a non-empty string (the command's name in reports, budgets and metrics), got ${describeInput(name)}`)
}

/** perf.run(name, fn) given a fn that is not a function (it failed inside the command: 'fn is not a function'). */
export function runFnError(name: string, fn: unknown): TypeError | undefined {
  if (typeof fn === 'function') return undefined
  return new TypeError(`perf.run('${name}', fn): fn must be a function (the command's work, called with its context), got ${describeInput(fn)}`)
}

/** perf.span() given a name that is not a non-empty string, or a fn that is not a function. */
export function spanInputError(name: unknown, fn: unknown): TypeError | undefined {
  if (badName(name)) return new TypeError(`perf.span(name, fn): name must be a non-empty string (the span's name in the report and the trace), got ${describeInput(name)}`)
  if (typeof fn !== 'function') return new TypeError(`perf.span('${name as string}', fn): fn must be a function (the work to time), got ${describeInput(fn)}`)
  return undefined
}

/** perf.mark(name): a number made a startup phase named 42 in the report. */
export function markNameError(name: unknown): TypeError | undefined {
  if (!badName(name)) return undefined
  return new TypeError(`perf.mark(name): name must be a non-empty string (the startup phase it starts, in the report and the trace), got ${describeInput(name)}`)
}

export function poolNameError(name: unknown): TypeError | undefined {
  if (name === undefined || !badName(name)) return undefined
  return new TypeError(`perf.pool(name): name must be a non-empty string (a key of concurrency.pools, or any name for a pool with the default settings), got ${describeInput(name)}`)
}

/** perf.graph(tasks, options): options an object, its name a non-empty string, stopOnError a boolean. */
export function graphOptionsError(options: unknown): TypeError | undefined {
  const invalid = optionsError(options, 'perf.graph(tasks, options)', '{ name, pool, stopOnError, signal }')
  if (invalid || options === undefined) return invalid
  const { name, stopOnError } = options as { name?: unknown; stopOnError?: unknown }
  if (name == null) return stopOnErrorError(stopOnError, 'perf.graph(tasks, { stopOnError })')
  if (badName(name)) return new TypeError(`perf.graph(tasks, { name }): name must be a non-empty string (the graph's span in the report and the trace), got ${describeInput(name)}`)
  return stopOnErrorError(stopOnError, 'perf.graph(tasks, { stopOnError })')
}

/** An options argument that is not an object (`map(items, fn, true)`): its keys would be read as absent. */
export function optionsError(options: unknown, where: string, keys: string): TypeError | undefined {
  if (options === undefined || (typeof options === 'object' && options !== null && !Array.isArray(options))) return undefined
  return new TypeError(`${where}: options must be an object (${keys}), got ${describeInput(options)}`)
}

/**
 * `stopOnError` that is not a boolean: 'yes' (or 1) read as false, so a caller who asked to stop on
 * the first failure ran every item. Omitted (undefined or null) is false.
 */
export function stopOnErrorError(value: unknown, where: string): TypeError | undefined {
  if (value === undefined || value === null || typeof value === 'boolean') return undefined
  return new TypeError(`${where}: stopOnError must be true or false (true: the first failure aborts the work in flight and starts no more), got ${typeof value === 'string' ? `'${value}'` : describeInput(value)}`)
}

/**
 * pool.map(items, fn, options): fn a function, items an array or another iterable, options an
 * object, stopOnError a boolean (its signal: signalError in pool-job.ts). Once per map, not per item.
 */
export function mapInputError(pool: string, items: unknown, fn: unknown, options: unknown): TypeError | undefined {
  // a JavaScript caller's slip said 'm.fn is not a function' per item
  if (typeof fn !== 'function') return new TypeError(`pool '${pool}': map(items, fn): fn must be a function (called with item, index, signal), got ${fn === null ? 'null' : typeof fn}`)
  if (!Array.isArray(items) && typeof (items as { [Symbol.iterator]?: unknown } | null | undefined)?.[Symbol.iterator] !== 'function') {
    return new TypeError(`pool '${pool}': map(items, fn): items must be an array or another iterable, got ${items === null ? 'null' : typeof items}`)
  }
  return optionsError(options, `pool '${pool}': map(items, fn, options)`, '{ stopOnError, signal }')
    ?? stopOnErrorError((options as { stopOnError?: unknown } | undefined)?.stopOnError, `pool '${pool}': map(items, fn, { stopOnError })`)
}

/**
 * pool.run(fn, options) given a fn that is not a function (it failed in a slot: 'fn is not a
 * function'), or options that are not an object (`run(fn, 'fast')`: its signal was read as absent).
 */
export function poolRunError(pool: string, fn: unknown, options: unknown): TypeError | undefined {
  if (typeof fn !== 'function') return new TypeError(`pool '${pool}': run(fn): fn must be a function (the task, called with an AbortSignal), got ${describeInput(fn)}`)
  return optionsError(options, `pool '${pool}': run(fn, options)`, '{ signal }')
}
