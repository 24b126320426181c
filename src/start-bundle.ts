/**
 * The start path's one bundle (build only: scripts/build.mjs, scripts/start-script.mjs): the
 * runtime with both adapters, run as one script with V8's code cache. `unperf`, `unperf/citty`
 * and `unperf/commander` are each a small ES module over this script's exports, sharing one
 * instance of it per process, so an adapter's CLI loads one ES module file, not two, and the
 * adapter's code comes from the code cache too. The `__<entry>_<name>` exports are those entries'
 * exports; every other export is the `unperf` entry's.
 */
export * from './index.js'
export { withPerf as __citty_withPerf, runMain as __citty_runMain, getPerf as __citty_getPerf, tryGetPerf as __citty_tryGetPerf } from './adapters/citty.js'
export { instrument as __commander_instrument, getPerf as __commander_getPerf, tryGetPerf as __commander_tryGetPerf } from './adapters/commander.js'
