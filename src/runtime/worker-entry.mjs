// Worker-thread entry for perf.workers.run(moduleUrl, exportName, args): imports the module
// (cached per worker) and calls the export. Shipped as-is (copied to dist by the build).
//
// An error thrown by the export crosses the thread boundary as a structured clone, which keeps an
// Error's message and stack but drops its own properties (`code`, `errno`, `path`, ...) and any name
// but the built-in ones: it is returned as a plain record instead, and workers.ts rebuilds the Error.
export const ERROR_RECORD = '__unperfWorkerError'

// process.exit() in a worker thread ends the thread, and tinypool (thread runtime) neither settles
// the task that was running in it nor replaces the thread: that call and every later one hung. An
// export that calls it fails instead (as vitest does in its workers); the thread lives on.
// node's own exit after an uncaught exception in the thread (it emits 'exit', then calls
// process.exit()) goes through: throwing there printed a false "process.exit() was called" error.
const exit = process.exit
let exiting = false
process.once('exit', () => { exiting = true })
process.exit = (code) => {
  if (exiting) return exit.call(process, code)
  const error = new Error(`[unperf] process.exit(${code ?? ''}) was called in a worker thread: a worker task cannot end the process (throw an error instead)`)
  error.code = 'E_WORKER_EXIT'
  if (code !== undefined) error.exitCode = code
  throw error
}

// A result that cannot be structured-cloned (a function, a Promise, ...) makes tinypool's
// postMessage of the response throw in the worker: the thread crashed and the caller got `{}`, an
// object with no message. The response is sent again with an error record in place of the result.
const post = MessagePort.prototype.postMessage
MessagePort.prototype.postMessage = function postMessage(message, transfer) {
  // a module that failed to load stays failed in this thread (node's module map keeps it): the answer
  // to that task asks tinypool to replace the thread (workers.ts: RECYCLE_ABOVE), so a retry of the
  // module (the documented .mjs wrapper registering a TypeScript loader first, a file fixed since) loads it anew
  if (replaceThread && isResponse(message)) message = { ...message, usedMemory: Infinity }
  // a result to move back (runExport's `transferResult`): its buffers join the transfer list; one
  // that cannot be moved (Node 21+ refuses a pooled Buffer's) is copied instead
  const buffers = isResponse(message) && message.result !== null && typeof message.result === 'object' ? moves.get(message.result) : undefined
  if (buffers !== undefined) {
    moves.delete(message.result)
    try {
      return post.call(this, message, [...(transfer ?? []), ...buffers])
    } catch {
      // not moved: posted below as a copy
    }
  }
  try {
    return post.call(this, message, transfer)
  } catch (error) {
    if (error?.name !== 'DataCloneError' || !isResponse(message)) throw error
    const failure = new Error(`[unperf] the worker task's result cannot be sent back to the calling thread: ${error.message} (return structured-clone data: no functions, promises or class instances with methods)`)
    failure.name = 'DataCloneError'
    failure.code = 'E_WORKER_RESULT'
    return post.call(this, { ...message, result: { [ERROR_RECORD]: record(failure) } })
  }
}

/** Set once an import failed in this thread: it is replaced after answering. */
let replaceThread = false

/** tinypool's response to a task: { taskId, result, error: null, usedMemory, ... } */
const isResponse = (message) => message !== null && typeof message === 'object' && 'taskId' in message && 'result' in message && message.error === null

/** Results whose buffers are moved back, not copied (`transferResult`), until their response is posted. */
const moves = new WeakMap()

/**
 * The buffers of a result that can be moved: an ArrayBuffer, or a view spanning its whole buffer
 * (a view of part of one, a pooled Buffer's, would move the rest with it), alone or as a direct
 * element / property of an array or a plain object. SharedArrayBuffers are shared, never moved.
 */
function movable(result) {
  const found = new Set()
  const add = (value) => {
    if (value instanceof ArrayBuffer) found.add(value)
    else if (ArrayBuffer.isView(value) && value.buffer instanceof ArrayBuffer && value.byteOffset === 0 && value.byteLength === value.buffer.byteLength) found.add(value.buffer)
  }
  add(result)
  if (found.size === 0 && result !== null && typeof result === 'object' && !ArrayBuffer.isView(result)) {
    const proto = Object.getPrototypeOf(result)
    if (Array.isArray(result)) result.forEach(add)
    else if (proto === Object.prototype || proto === null) Object.values(result).forEach(add)
  }
  return [...found]
}

export default async function runExport({ moduleUrl, exportName, args, transferResult, taken }) {
  // a task under a timeout is timed from here (worker-clock.ts): not while this thread started
  if (taken !== undefined) {
    new Float64Array(taken.buffer, 8, 1)[0] = performance.timeOrigin + performance.now()
    Atomics.store(taken, 0, 1)
    Atomics.notify(taken, 0)
  }
  let mod
  try {
    mod = await import(moduleUrl)
  } catch (error) {
    replaceThread = true
    // Node 20 runs no --import / --loader hook (tsx, ts-node) in worker threads: a TypeScript module
    // the main thread loads fine fails here with node's bare "Unknown file extension"
    // (any other import error as a record too: a structured clone dropped its code, ERR_MODULE_NOT_FOUND)
    if (error?.code !== 'ERR_UNKNOWN_FILE_EXTENSION' || !/\.[cm]?tsx?$/.test(new URL(moduleUrl).pathname)) return thrown(importFailure(error, moduleUrl))
    const failure = new Error(`[unperf] perf.workers.run(): ${moduleUrl} is TypeScript, and worker threads do not get the main thread's loader (node ${process.versions.node} runs no --import / --loader hook such as tsx in them): point perf.workers.run() at a .mjs module that registers one first (import { register } from 'tsx/esm/api'; register(); export const fn = async (...args) => (await import('./module.ts')).fn(...args)), or at the compiled JavaScript`, { cause: error })
    failure.code = 'E_WORKER_TYPESCRIPT'
    return { [ERROR_RECORD]: record(failure) }
  }
  // a CommonJS module's module.exports is its default export; node lists its names as exports only
  // when its lexer reads them (`exports.add = ...`, not `module.exports = { add: (a, b) => ... }`):
  // its function is called as `module.exports.add()` would be (piscina and tinypool look there too)
  const cjs = typeof mod[exportName] !== 'function' && exportName !== 'default' && mod.default !== null && typeof mod.default === 'object'
    && Object.hasOwn(mod.default, exportName) && typeof mod.default[exportName] === 'function'
  const owner = cjs ? mod.default : undefined
  const fn = cjs ? mod.default[exportName] : mod[exportName]
  if (typeof fn !== 'function') {
    // as a record: thrown, its code was lost on the way (a structured clone)
    // one that is there but is a value (a constant, a class instance) says so: "no exported function" beside its name in the list reads as a typo
    const what = exportName in mod ? `export '${exportName}' is ${fn === null ? 'null' : Array.isArray(fn) ? 'an array' : `a${/^[aeiou]/.test(typeof fn) ? 'n' : ''} ${typeof fn}`}, not a function` : `has no exported function '${exportName}'`
    const missing = new TypeError(`[unperf] ${moduleUrl}${exportName in mod ? ':' : ''} ${what} (exports: ${Object.keys(mod).join(', ') || 'none'})`)
    missing.code = 'E_WORKER_EXPORT'
    return thrown(missing)
  }
  try {
    const result = await Reflect.apply(fn, owner, args)
    if (transferResult && result !== null && typeof result === 'object') {
      const buffers = movable(result)
      if (buffers.length > 0) moves.set(result, buffers)
    }
    return result
  } catch (error) {
    return thrown(error)
  }
}

/**
 * An import failure names the call and the module, keeping its class and code: a SyntaxError's
 * message alone ("Unexpected token '='") named no file, and ERR_MODULE_NOT_FOUND named this file
 * as the importer ("imported from .../worker-entry.mjs").
 */
function importFailure(error, moduleUrl) {
  if (!(error instanceof Error)) return error
  const message = `[unperf] perf.workers.run(): cannot import ${moduleUrl} in a worker thread: ${error.message.replace(/ imported from \S*worker-entry\.mjs/, '')}`
  if (typeof error.stack === 'string') error.stack = error.stack.replace(error.message, message)
  error.message = message
  return error
}

/**
 * What the export threw, as the result: an Error as a record (below); any other value as it is, in
 * `{ value }`: tinypool takes an `error` of null or undefined for a success (`throw null` resolved
 * with null), and one that cannot be cloned back crashed the response.
 */
function thrown(error) {
  if (error instanceof Error) return { [ERROR_RECORD]: record(error) }
  try {
    structuredClone(error)
  } catch (cloneError) {
    const failure = new Error(`[unperf] the worker task threw a value that cannot be sent back to the calling thread: ${cloneError.message} (throw an Error)`)
    failure.code = 'E_WORKER_THROWN'
    return { [ERROR_RECORD]: record(failure) }
  }
  return { [ERROR_RECORD]: { value: error } }
}

/** How deep causes and an AggregateError's errors are recorded (a cause chain can be a cycle). */
const MAX_DEPTH = 8

/**
 * name, message, stack, the own enumerable properties of primitive value, and the cause and an
 * AggregateError's `errors` recorded the same way: a structured clone of a cause kept its message
 * but dropped its `code` (fetch's "fetch failed" TypeError has its ECONNREFUSED there), and made an
 * AggregateError a plain Error without its errors. A DOMException (an AbortSignal.timeout()) is
 * marked: a clone of one is an empty object.
 */
function record(error, depth = 0) {
  const props = {}
  for (const [key, value] of Object.entries(error)) {
    if (value === null || ['string', 'number', 'boolean'].includes(typeof value)) props[key] = value
  }
  const out = { name: error.name, message: error.message, stack: error.stack, props }
  if (typeof DOMException === 'function' && error instanceof DOMException) out.domException = true
  if (depth >= MAX_DEPTH) return out
  if (error.cause !== undefined) {
    const cause = carried(error.cause, depth + 1)
    if (cause !== undefined) out.cause = cause
  }
  if (error instanceof AggregateError && Array.isArray(error.errors)) out.errors = error.errors.map(e => carried(e, depth + 1))
  return out
}

/** A cause or an inner error as a record (an Error) or `{ value }`; one that cannot be cloned is left out (undefined), not told as a thrown value. */
function carried(value, depth) {
  if (value instanceof Error) return { [ERROR_RECORD]: record(value, depth) }
  try {
    return { [ERROR_RECORD]: { value: structuredClone(value) } }
  } catch {
    return undefined
  }
}
