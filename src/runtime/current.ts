/**
 * The instance created last in this process, for code deep inside a command.
 * Kept on globalThis so two copies of unperf in one process (a snapshot import, a linked install) agree.
 */
import type { Perf } from './types.js'

const KEY = Symbol.for('unperf.current')
type Holder = { [KEY]?: Perf }

export function setCurrentPerf(perf: Perf | undefined): void {
  (globalThis as Holder)[KEY] = perf
}

/** The perf instance created last in this process; throws when there is none. */
export function getPerf(): Perf {
  const perf = (globalThis as Holder)[KEY]
  if (!perf) throw new Error('[unperf] getPerf(): no perf instance yet: call createPerf() (or use an adapter) first')
  return perf
}

/** Like getPerf() but undefined when there is none. */
export function tryGetPerf(): Perf | undefined {
  return (globalThis as Holder)[KEY]
}
