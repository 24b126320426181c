/**
 * A perf instance's start, inside createPerf() once its config is loaded: the config's hooks
 * registered, the cache made (its code imported on first use), the plugins set up around
 * `config:resolved`, the exit handlers installed, the monitors started (or, for the adapters, with
 * the first command), then `perf:ready`.
 */
import { join } from 'node:path'
import { layerHooks } from '../config/merge.js'
import { setupPlugins } from '../hooks/plugins.js'
import { warnUnmatchedPluginNamespaces } from '../hooks/plugin-namespaces.js'
import type { PerfHookName, PerfHooks } from '../hooks/types.js'
import { createLazyCacheManager } from './cache/lazy.js'
import { markStalled } from './command-runs.js'
import type { CacheManager } from './_internal.js'
import { installExitHandlers, type ExitHandlers } from './exit.js'
import { closeRunSync, type RunEndHost } from './run-end.js'
import type { CreatePerfOptions } from './types.js'

/** The hooks that fire once, inside createPerf(): registered after it, a listener that never runs. */
const SPENT: ReadonlySet<string> = new Set(['config:resolved', 'perf:ready'])

/** What the start of the run uses of its perf instance (PerfInstance, perf.ts), beside what its end does. */
export interface RunStartHost extends RunEndHost {
  _cache: CacheManager | undefined
  _uninstallExit: ExitHandlers | undefined
  readonly _options: CreatePerfOptions
  /** The adapters' instance: its monitors start with the first command, not here. */
  readonly _monitorsWithCommand: boolean
  /** The budget breaches of the run (budget:exceeded), for the metrics. */
  _breaches: number
}

export async function startRun(perf: RunStartHost): Promise<void> {
  const { config, hooks } = perf
  // Config hooks: registered before anything fires.
  for (const [name, fn] of Object.entries(config.hooks)) {
    // each layer's listener of it on its own (merge.ts): one that throws does not keep the next from running
    if (typeof fn === 'function') for (const one of layerHooks(fn as PerfHooks[PerfHookName])) hooks.hook(name as PerfHookName, one)
  }
  hooks.hook('budget:exceeded', () => { perf._breaches++ })
  // `perf.cache` is sync, but the cache code is imported on the first cache operation.
  const cache = createLazyCacheManager(perf._ctx, async () => {
    // file hashes (wrap({ files }), invalidate.files) keep their stat memo in this CLI's cache dir
    if (process.env.UNPERF_FILE_HASH_MEMO !== undefined) return
    const { setFileHashMemoDir } = await import('./cache/file-hash.js')
    setFileHashMemoDir(join(config.cache.dir, 'file-hash'))
  })
  perf._cache = cache
  if (config.plugins.length === 0) await hooks.emit('config:resolved', config)

  perf._tracer.mark('plugins')
  // the plugins' own hooks are registered before config:resolved fires, their setup() after
  const plugins = config.plugins.length === 0 ? [] : await setupPlugins(config.plugins, {
    perf, hooks, cache, rootDir: config.rootDir, warn: perf._warn, afterClose: task => { perf._afterClose = task },
  }, () => hooks.emit('config:resolved', config))
  // cache.namespaces['plugin:<name>'] whose plugin is not loaded: warned (its module loads only with such a key)
  if (Object.keys(config.cache.namespaces).some(name => name.startsWith('plugin:'))) warnUnmatchedPluginNamespaces(config.cache.namespaces, plugins, perf._warn)
  perf._tracer.mark('ready')
  if (!perf._options.noExitHandlers) {
    // The push to a pushgateway is asynchronous: the 'exit' path could only start it. So with one,
    // the natural end of the event loop, close() not called, closes the run as 'exit' would
    // (report, budgets, report/exit hooks) and the push it starts finishes: its socket holds the
    // process until the answer or its timeout. 'beforeExit' fires again then: closed, a no-op.
    const prom = config.monitors.enabled && config.monitors.prometheus
    const endOfLoop = prom && 'pushgateway' in prom
      ? (code: number) => { if (!perf.closed && !perf._closing) { markStalled(perf); closeRunSync(perf, code) } }
      : undefined
    perf._uninstallExit = installExitHandlers((code, _signal, fatal) => closeRunSync(perf, code, fatal), endOfLoop)
  }
  // monitors: now, or for the adapters with the first command (runCommand; createPerfForCommands)
  if (!perf._monitorsWithCommand) await perf._startMonitors()
  await hooks.emit('perf:ready', perf)
  hooks.spent = SPENT
}
