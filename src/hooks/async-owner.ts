/**
 * Whose code runs after an await: the plugin whose `async` listener it continues, or the host.
 *
 * No AsyncLocalStorage: on Node 20 one makes every promise of the process carry its store while it
 * is enabled (≈ +0.15 µs an await, bench/span.mjs), and with 10 plugins whose async listeners ran
 * 1 000 at a time (bench/scenarios/plugin-framework.mjs) it took peak RSS from +3 to +40 MiB over
 * the same program without unperf. Instead each call of a plugin's async listener is awaited by an
 * async function named for its plugin (`awaiterFor`): V8's async stack trace of any code continuing
 * that call (after an await in it, or in an async function it awaits) lists that function. The
 * registry reads the stack only when it must know whose code runs (a hook registered, perf.run(),
 * perf.close()) and only while such a call is pending. The host's listeners a plugin's code fires
 * (its cache calls emit cache:*) run under an async function named {@link HOST_MARK}, which the
 * walk meets first: what they register is the host's, before and after their own awaits.
 * What a timer or a `.then()` callback of the listener registers cannot be told from the host's
 * code (no await chain leads to it): the host's (docs/runtime.md).
 */
import type { HookOwner } from './registry.js'

/** The name of the function the host's listeners run under when a plugin's code fires them. */
const HOST_MARK = 'unperf:host'
const PLUGIN_MARK = 'unperf:plugin#'
/** Marks unique in the process: two perf instances never read each other's. */
let sequence = 0

/**
 * Awaits a call of one of its plugin's async listeners (`call`: the promise it returned; its code
 * before its first await ran under the registry's `owner`), counted pending until it settles.
 * `onError`: told of its rejection, the call then fulfilled (undefined: the call rejects with it),
 * in the awaiter itself: a `.then()` over its promise cost each call a closure and a promise more.
 */
type Call = (call: unknown, owners: AsyncOwners, onError: ((error: unknown) => void) | undefined) => Promise<unknown>

/** What the registry keeps of the plugins' async calls. */
export interface AsyncOwners {
  /** Plugin async calls not settled yet: at 0, nothing continues one and no stack is read. */
  pending: number
  /** Each plugin's mark (its awaiter's name) → the plugin. */
  readonly marks: Map<string, HookOwner>
  /** Each plugin → its awaiter. */
  readonly awaiters: WeakMap<HookOwner, Call>
}

export const asyncOwners = (): AsyncOwners => ({ pending: 0, marks: new Map(), awaiters: new WeakMap() })

/** The async function that awaits `owner`'s async calls, named for it (made on its first call). */
export function awaiterFor(owners: AsyncOwners, owner: HookOwner): Call {
  let call = owners.awaiters.get(owner)
  if (call === undefined) {
    const mark = `${PLUGIN_MARK}${++sequence}`
    // `return await`: the frame stays in the async stack of the call's continuations until it
    // settles. The listener is called before, not in it: an async frame that also spread the
    // arguments and held the listener cost ~100 bytes more a call
    call = {
      async [mark](listenerCall: unknown, pending: AsyncOwners, onError: ((error: unknown) => void) | undefined) {
        pending.pending++
        try {
          return await listenerCall
        } catch (error) {
          if (onError === undefined) throw error
          onError(error)
        } finally {
          pending.pending--
        }
      },
    }[mark]!
    owners.awaiters.set(owner, call)
    owners.marks.set(mark, owner)
  }
  return call
}

/** `fn()` as the host's code: under an async function named {@link HOST_MARK}, its continuations too. */
export const asHost = { async [HOST_MARK]<T>(fn: () => T): Promise<Awaited<T>> { return await fn() } }[HOST_MARK]!

/**
 * callHook()'s listeners as the host's code, in turn as hookable's callHook calls them (each one's
 * promise settled before the next is called; the first error, thrown or rejected, rejects the call
 * and skips the rest). The loop itself is the async function named {@link HOST_MARK}, so each
 * listener's code, before and after its awaits, runs under it. `asHost(() => core.callHook())` made
 * a closure and a second frame a call, and hookable's chain a `.then()` per listener whose callback
 * returns the next one's promise: a closure, a promise and a thenable job with its resolving
 * functions per listener, held until the call's last one settled. With 10 plugins' async listeners
 * and 1 000 calls in flight (bench/scenarios/plugin-framework.mjs), what V8 copied at each scavenge.
 */
export const callAsHost = {
  async [HOST_MARK](list: ((...args: unknown[]) => unknown)[], args: unknown[]): Promise<void> {
    for (let i = 0; i < list.length; i++) {
      const result = list[i]!(...args)
      if (result && typeof (result as Promise<unknown>).then === 'function') await result
    }
  },
}[HOST_MARK]!

/** The plugin whose async call the code here continues, else undefined (the host's, or no plugin's). */
export function stackOwner(owners: AsyncOwners): HookOwner | undefined {
  const mark = markOnStack(name => owners.marks.has(name))
  return mark === undefined ? undefined : owners.marks.get(mark)
}

/**
 * The innermost function name on the stack here (async frames included) that `isMark` accepts, else
 * undefined; undefined as well when the host's mark comes first (the host's listeners a plugin's
 * code fired: their code is the host's). The walk of stackOwner and of plugin-overdue.ts.
 */
export function markOnStack(isMark: (name: string) => boolean): string | undefined {
  for (const site of callSites()) {
    const name = site.getFunctionName()
    if (name === null) continue
    if (name === HOST_MARK) return undefined
    if (isMark(name)) return name
  }
  return undefined
}

/** What V8 gives Error.prepareStackTrace (node's CallSite), the part used here. */
interface CallSiteLike { getFunctionName(): string | null }
type PrepareStackTrace = (error: Error, sites: CallSiteLike[]) => unknown
const V8Error = Error as unknown as { prepareStackTrace?: PrepareStackTrace; stackTraceLimit: number; captureStackTrace(target: object): void }

/** The stack here, async frames included, as V8's call sites (whatever Error.prepareStackTrace the process set). */
function callSites(): CallSiteLike[] {
  const prepare = V8Error.prepareStackTrace
  const limit = V8Error.stackTraceLimit
  const holder: { stack?: unknown } = {}
  try {
    V8Error.prepareStackTrace = (_error, sites) => sites
    V8Error.stackTraceLimit = Number.POSITIVE_INFINITY
    V8Error.captureStackTrace(holder)
    // read while the prepare above is in place (V8 formats the stack on first access)
    const sites = holder.stack
    return Array.isArray(sites) ? sites as CallSiteLike[] : []
  } finally {
    V8Error.prepareStackTrace = prepare
    V8Error.stackTraceLimit = limit
  }
}
