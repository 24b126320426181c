/**
 * The instance created last in this process, for code deep inside a command.
 * Kept on globalThis so two copies of unperf in one process (a snapshot import, a linked install,
 * a plugin package with its own unperf) agree.
 */
import type { Perf } from './types.js'
import { noPerfError } from './input-errors.js'

const KEY = Symbol.for('unperf.current')
type Holder = { [KEY]?: Perf }

/** An instance was current and closed, leaving none (getPerf()'s error says so). */
let ended = false

/** The instance each one replaced as current: it is current again when the newer one closes. */
const replaced = new WeakMap<Perf, Perf | undefined>()

function setCurrentPerf(perf: Perf | undefined): void {
  (globalThis as Holder)[KEY] = perf
}

/** `perf` is current from here on (createPerf() sets it before plugins and `config:resolved` run). */
export function makeCurrent(perf: Perf): void {
  const before = tryGetPerf()
  if (before === perf) return
  replaced.set(perf, before)
  setCurrentPerf(perf)
}

/**
 * `perf` closed (or failed to start): if it is current, the instance it replaced is current again,
 * the newest still open of that chain (a library's own short-lived instance inside a command must
 * not leave the host's command without one), else none: nothing keeps a closed instance alive.
 */
export function releaseCurrent(perf: Perf): void {
  if (tryGetPerf() !== perf) return
  let next = replaced.get(perf)
  while (next?.closed) next = replaced.get(next)
  setCurrentPerf(next)
  if (!next) ended = true
}

/** The perf instance created last in this process; throws when there is none. */
export function getPerf(): Perf {
  const perf = (globalThis as Holder)[KEY]
  if (!perf) {
    throw noPerfError(ended) // its message from a deferred module (input-errors.ts): only a slip loads it
  }
  return perf
}

/** Like getPerf() but undefined when there is none. */
export function tryGetPerf(): Perf | undefined {
  return (globalThis as Holder)[KEY]
}
