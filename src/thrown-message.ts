/**
 * What was thrown, as text (errors.ts re-exports both). A deferred module (scripts/build.mjs): only
 * a warning, a failed hook or plugin, an error being wrapped needs it, never a start that goes well.
 */
import { PREFIX } from './errors.js'

/**
 * An error's message as thrown (unperf's with their `[unperf] ` prefix); a string or number thrown as
 * itself; an object's string `message` (an error from another realm, a library's plain object);
 * else what was thrown, and its `code`: never the object's values (String() said '[object Object]',
 * and a thrown config object may hold a password).
 */
export function thrownMessage(error: unknown): string {
  if (error instanceof Error) return error.message === '' ? noMessage(error) : error.message
  if (error === undefined || error === null) return `${String(error)} thrown (not an Error)`
  if (typeof error !== 'object' && typeof error !== 'function') return String(error)
  try {
    const { message, code } = error as { message?: unknown; code?: unknown }
    if (typeof message === 'string') return message
    const proto: unknown = Object.getPrototypeOf(error)
    const ctor = proto === null || proto === Object.prototype ? undefined : (proto as { constructor?: { name?: unknown } }).constructor?.name
    const what = typeof error === 'function' ? 'a function' : typeof ctor === 'string' && ctor !== '' ? `an instance of ${ctor}` : 'an object'
    return `${what} thrown (not an Error)${typeof code === 'string' || typeof code === 'number' ? `, code '${code}'` : ''}`
  } catch {
    return 'an object thrown (not an Error)' // a getter or a proxy that throws
  }
}

/**
 * An Error thrown with no message (`throw new Error()`, a class of the author's own): the warning read
 * `failed in hook 'report': ` and nothing after it. Its class, and where it was made (its stack's
 * first frame), which is all there is to go on.
 */
function noMessage(error: Error): string {
  const name = typeof error.name === 'string' && error.name !== '' ? error.name : 'Error'
  const frame = typeof error.stack === 'string' ? /\n\s+at (?:.*? \()?(.+?:\d+:\d+)\)?$/m.exec(error.stack) : null
  return `${name} with no message${frame ? ` (made at ${frame[1]})` : ''}`
}

/**
 * What went wrong, as text for a message of unperf's own (a warning, a check, a wrapping error):
 * the message without the `[unperf] ` prefix unperf's errors start with, which the line that
 * shows it carries once already.
 */
export function errorMessage(error: unknown): string {
  const message = thrownMessage(error)
  return message.startsWith(PREFIX) ? message.slice(PREFIX.length) : message
}
