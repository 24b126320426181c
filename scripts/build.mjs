// Build: one bundled ESM file per entry point (the start path is one file: every extra ESM
// file costs ~0.85 ms at startup, see ../shared/notes/startup.md), lazy parts as split chunks,
// and .d.mts declarations from tsc.
import { build } from 'esbuild'
import { execFileSync } from 'node:child_process'
import { createRequire } from 'node:module'
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { inlineStartChunks } from './inline-start-chunks.mjs'
import { buildStartScript } from './start-script.mjs'

const root = new URL('..', import.meta.url).pathname
const dist = join(root, 'dist')
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))

const entries = {
  index: 'src/index.ts',
  config: 'src/config/index.ts',
  citty: 'src/adapters/citty.ts',
  commander: 'src/adapters/commander.ts',
  vitest: 'src/vitest/index.ts',
  cli: 'src/cli/index.ts',
}
const present = Object.fromEntries(Object.entries(entries).filter(([, file]) => existsSync(join(root, file))))
// The runtime and both adapters are one start script (src/start-bundle.ts): dist/index.mjs,
// citty.mjs and commander.mjs are each a small loader over it, written by buildStartScript.
const START_BUNDLE = 'src/start-bundle.ts'
const inStartBundle = new Set(['index', 'citty', 'commander'])

// hookable and defu are tiny and on the start path: bundled in (a resolved package name costs 3-4 ms).
const inlined = new Set(['hookable', 'defu'])
const external = [
  ...Object.keys(pkg.dependencies ?? {}),
  ...Object.keys(pkg.peerDependencies ?? {}),
  ...Object.keys(pkg.optionalDependencies ?? {}),
].filter(name => !inlined.has(name)).flatMap(name => [name, `${name}/*`])

// Node builtins without their ESM facade: `import { x } from 'node:fs'` makes Node build a facade
// that reads every export, which loads lazy parts (fs streams pull in the whole stream stack).
// Each builtin becomes a tiny module over process.getBuiltinModule(): plain functions are exported
// as wrappers that get the module on their first call, so a builtin Node has not loaded yet
// (node:os, node:module, ...) loads only when something calls into it; classes and other values are
// read once, by a /* @__PURE__ */ call that tree-shaking drops when nothing imports that name.
// Accessor properties (fs.promises, fs.ReadStream, ...) are left out on purpose: import them from
// their own module ('node:fs/promises') so nothing lazy is touched at startup.
const requireBuiltin = createRequire(import.meta.url)
const isPlainFunction = value => typeof value === 'function' && !/^class\b/.test(Function.prototype.toString.call(value)) && !/^[A-Z]/.test(value.name)
const builtins = {
  name: 'builtins-without-facade',
  setup(b) {
    b.onResolve({ filter: /^node:/ }, args => ({ path: args.path, namespace: 'node-builtin' }))
    b.onLoad({ filter: /.*/, namespace: 'node-builtin' }, args => {
      const mod = requireBuiltin(args.path)
      const entries = Object.entries(Object.getOwnPropertyDescriptors(mod))
        .filter(([name, d]) => 'value' in d && /^[A-Za-z_$][\w$]*$/.test(name) && name !== 'default')
      const path = JSON.stringify(args.path)
      return {
        contents: [
          `let m`,
          `const load = () => (m ??= process.getBuiltinModule(${path}))`,
          `const pick = name => load()[name]`,
          `export default /* @__PURE__ */ load()`,
          ...entries.map(([name, d]) => args.path === 'node:path' && name === 'join'
            // path.join without its character-by-character normalization where there is nothing to normalize
            ? `export { join } from ${JSON.stringify(join(import.meta.dirname, '../src/runtime/path-join.ts'))}`
            : isPlainFunction(d.value)
            ? `export function ${name}(...a) { return load().${name}(...a) }`
            : `export const ${name} = /* @__PURE__ */ pick(${JSON.stringify(name)})`),
        ].join('\n') + '\n',
        loader: 'js',
        resolveDir: import.meta.dirname,
      }
    })
  },
}

// Modules the start script reaches only through a sync getter the host may never call (`perf.pool()`,
// `perf.metrics`, `perf.workers`): each becomes a stub of wrapper functions over its real module, a
// lazy chunk compiled (with its code cache) on the first call. The start script holds ~30 kB less
// source, code cache and top-level closures. A name another module imports that is not listed here
// fails the build (esbuild: no matching export).
const DEFERRED = {
  'src/runtime/pool-manager.ts': ['createPoolManager'],
  'src/runtime/metrics/registry.ts': ['createMetricsRegistry'],
  'src/runtime/workers.ts': ['createWorkers'],
  // error paths only: the messages of the execution API's TypeErrors (its checks: input-checks.ts)
  'src/runtime/input-errors.ts': ['runNameError', 'runFnError', 'spanInputError', 'markNameError', 'snapshotLabelError', 'poolNameError', 'graphOptionsError', 'mapInputError', 'poolRunError', 'workerOptionsError', 'createOptionsError', 'runOptionsError', 'dirOptionError', 'noPerfError'],
  // error paths only: the messages of the cache API's TypeErrors (cached() checks its options on the start path: cache/options-check.ts)
  'src/runtime/cache/options-error.ts': ['cacheOptionsError', 'cachedInputError', 'namespaceNameError'],
  // only when a dir unperf writes to is missing (a first run): making it and its parents (make-dir.ts checks it is there)
  'src/runtime/make-missing-dirs.ts': ['makeMissingDirs'],
  // Windows only: an atomic write's rename retried while a scanner holds the file (rename-over.ts)
  'src/runtime/rename-retry.ts': ['renameRetryingSync', 'renameRetrying'],
  // error paths only: a cache tier's misspelt option, wrong-typed value or misread redis url (resolve-cache.ts)
  'src/config/driver-option-issues.ts': ['unknownDriverOption', 'driverOptionIssue', 'badRedisUrl', 'redisUrlProblemIssue'],
  // error paths only: a file read back from a report dir that is no regular file (a FIFO, a directory)
  'src/runtime/not-a-file.ts': ['notAFile'],
  // error paths only: which config layer set a key a config message names
  'src/config/layer-of-path.ts': ['layerOfPath'],
  // error paths only: what was thrown, as text (warnings, failed hooks and plugins, wrapped errors); a config problem's issue
  'src/thrown-message.ts': ['thrownMessage', 'errorMessage'],
  'src/config-issue.ts': ['formatFound', 'configIssue', 'durationUnitsHint', 'roundsToZeroHint'],
  // error paths only: the longer messages of errors.ts's classes
  'src/error-messages.ts': ['cycleMessage', 'namespaceAccessMessage'],
  // only with budgets.files: globbing and compressing the files, judged as every budget (budgets.ts)
  'src/runtime/report/file-budgets.ts': ['checkFileBudgets'],
  // only in a GitHub Actions job with a breach in 'error' mode: the breaches as workflow commands (finalize.ts print; unperf budget's too)
  'src/runtime/report/github-annotations.ts': ['annotateBreaches'],
  // only when a command regressed: the regression's result and its message (budgets.ts detectRegressions)
  'src/runtime/report/regression-result.ts': ['regressionResult'],
  // only when a warning is said: keeping it for the report and printing it (warn.ts decides it is new)
  'src/runtime/say-warning.ts': ['sayWarning'],
  // error paths only: a cache or report dir that cannot be written
  // (and the exit's: report.files claiming only what was written; a report dir not read, the CLI's message too)
  'src/runtime/unwritable-warning.ts': ['warnCacheUnwritable', 'warnCacheDiskFull', 'reportWriteFailed', 'unsafeReadMessage'],
  // a process that exits with another code than the one its run recorded at close
  'src/runtime/report/exit-code-rewrite.ts': ['rewriteExitCode', 'noteUnsentRun'],
  // only with plugins: loading and setting them up, each plugin's hooks, and its refused perf.run()/close()
  'src/hooks/plugins.ts': ['setupPlugins', 'loadPlugin'],
  'src/hooks/plugin-hooks.ts': ['pluginHooks', 'lifecycleRefusal', 'isAsync', 'asPlugin'],
  // only with plugins' async listeners: whose code continues after an await (registry.ts reads it then)
  'src/hooks/async-owner.ts': ['asHost', 'callAsHost', 'stackOwner', 'asyncOwners', 'awaiterFor', 'markOnStack'],
  // only with plugins: where each entry is listed, one instance per name
  'src/config/plugin-entries.ts': ['pluginSources', 'describePluginSource', 'onePerName'],
  // error paths only: a plugin's message naming where its entry is written (file:line:col; TypeScript through esbuild)
  'src/config/plugin-position.ts': ['pluginErrorSource'],
  // error paths only: a plugin's stack run from the plugin bundle, back at its own file:line
  'src/config/plugin-bundle-stack.ts': ['mapBundleStack'],
  // error paths only: a hook name unperf never fires (a typo), the host's perf.hooks.hook() or a plugin's
  'src/hooks/unknown-hook.ts': ['unknownHookMessage'],
  // only when a commander host prints a subcommand's help: --no-cache listed there
  'src/adapters/commander-help.ts': ['listNoCacheInHelp'],
  // only with a cache.namespaces['plugin:<name>'] key: the warning when its plugin is not loaded
  'src/hooks/plugin-namespaces.ts': ['warnUnmatchedPluginNamespaces'],
  // only when a lock file is found held: judging it stale and taking it over (the exit's history append)
  'src/runtime/lock-takeover.ts': ['clearIfStale'],
  // only with a preset (an extends layer) listing plugins: its entries found from the preset's dir (layers.ts checks
  // there is a plugins list), and resolving a package name by its exports (hooks/_resolve-package.ts, with it)
  'src/config/plugin-paths.ts': ['rebasePluginPaths', 'packageFile'],
  // only when a program is instrumented twice: the warning that the second call's options are ignored
  'src/adapters/second-call-warning.ts': ['secondCallWarning'],
  // only when history-summary.bin cannot be extended by the run appended (none yet, a rewrite to the cap): made
  // anew from history.jsonl's tail; and that tail read for judging only then (report/history-summary.ts)
  'src/runtime/report/history-summary-build.ts': ['buildSummary'],
  'src/runtime/report/history-tail.ts': ['readNewestHistory', 'linesOf'],
  // judging from the history's runs rather than the summary's durations (budgets.ts priorOkDurations): the same fallback, and the CLI's
  'src/runtime/report/history-durations.ts': ['okDurationsBefore'],
  'src/runtime/report/history-read.ts': ['readHistoryFile', 'readHistory', 'parseLines', 'parseRun', 'lineJson'],
  // the console summary's verbose span tree, and its rows of a command run many times in one process
  'src/runtime/report/span-tree.ts': ['spanTree'],
  'src/runtime/report/console-by-name.ts': ['commandRowsByName'],
  // once every ~history/2 runs: history.jsonl rewritten to its cap (report/history.ts appendHistory)
  'src/runtime/report/history-rewrite.ts': ['rewriteCapped'],
  // only with monitors.alerts: each threshold in its metric's unit, from the metric table (monitors/metric-kinds.ts)
  'src/config/resolve-alerts.ts': ['resolveAlerts'],
  // only with monitors.prometheus: the exporter's options and their checks (a server's host and path, a pushgateway's url, its grouping labels)
  'src/config/resolve-prometheus.ts': ['resolvePrometheus'],
  // only in a long-running process whose report dropped older records: each command's stats over every run
  'src/runtime/metrics/command-stats.ts': ['commandStats', 'overflowStats'],
  // only when the trace's main thread has two events or more (spans, several commands): laid out on tracks that nest (finalize.ts counts them)
  'src/runtime/report/trace-tracks.ts': ['nestMainTrack'],
  // only when a command is cut short by the process's end (a non-zero exit, an emptied event loop): the error it is recorded with
  'src/runtime/command-exit-errors.ts': ['exitError', 'loopEmptiedError'],
}
const deferred = {
  name: 'deferred-modules',
  setup(b) {
    const real = new Map(Object.keys(DEFERRED).map(file => [join(root, file), file]))
    b.onResolve({ filter: /\.js$/ }, args => {
      if (args.namespace !== 'file') return undefined
      const target = join(args.resolveDir, args.path.replace(/\.js$/, '.ts'))
      return real.has(target) ? { path: target, namespace: 'deferred' } : undefined
    })
    b.onResolve({ filter: /^deferred-real:/ }, args => ({ path: args.path.slice('deferred-real:'.length) }))
    b.onLoad({ filter: /.*/, namespace: 'deferred' }, args => ({
      contents: [
        `let m`,
        // rewritten to a sync require of the chunk by scripts/start-script.mjs and scripts/lazy-scripts.mjs (checked there)
        `const load = () => (m ??= __unperf_deferred(() => import(${JSON.stringify('deferred-real:' + args.path)})))`,
        // a function declared per name, not wrappers made by one shared function (1.2 kB less source, but
        // 56 calls on every start: +0.5 M instructions a warm start, valgrind, session 27)
        ...DEFERRED[real.get(args.path)].map(name => `export function ${name}(...a) { return load().${name}(...a) }`),
      ].join('\n') + '\n',
      loader: 'js',
      resolveDir: root,
    }))
  },
}

rmSync(dist, { recursive: true, force: true })
mkdirSync(dist, { recursive: true })

// `unperf/config` must load nothing else: built alone, without shared chunks.
const { config: configEntry, ...rest } = present
const splitEntries = { index: START_BUNDLE, ...Object.fromEntries(Object.entries(rest).filter(([name]) => !inStartBundle.has(name))) }
const common = {
  bundle: true, format: 'esm', platform: 'node', target: 'node20', external, minifySyntax: true, treeShaking: true,
  sourcemap: false, legalComments: 'none', logLevel: 'warning', define: { __UNPERF_VERSION__: JSON.stringify(pkg.version) },
}
if (configEntry) await build({ ...common, entryPoints: { config: configEntry }, outdir: dist, outExtension: { '.js': '.mjs' } })

// Each entry is built on its own, so the start path (index) statically imports only the chunks it
// shares with its own lazy parts, never code that only the CLI or the vitest reporter needs.
// Chunk names carry the entry's name: no chunk file is shared between two builds, so the post-pass
// below can rewrite one build's chunks without touching another's.
for (const [name, file] of Object.entries(splitEntries)) {
  const { metafile } = await build({
    ...common,
    entryPoints: { [name]: file },
    outdir: dist,
    splitting: true,
    metafile: true,
    outExtension: { '.js': '.mjs' },
    chunkNames: `_chunks/${name}.[name]-[hash]`,
    plugins: name === 'index' ? [deferred, builtins] : [builtins],
  })
  // the entry and the chunks it imports statically become one file (each ESM file costs ~0.7 ms)
  await inlineStartChunks(dist, join(dist, `${name}.mjs`), metafile)
  // the runtime's start path: a script compiled with V8's code cache (Node 20 has none for ESM)
  if (name === 'index') {
    const loaders = buildStartScript(dist, pkg.version)
    for (const adapter of ['citty', 'commander']) if (present[adapter] && !loaders.includes(adapter)) throw new Error(`${START_BUNDLE} exports nothing of ${adapter}`)
  }
}

// The plugin bundle's rebuild, run in a process of its own (src/config/plugin-bundle-write.ts
// spawnRebuild): one file, no chunks (nothing else loads it).
await build({ ...common, entryPoints: { 'plugin-bundle-child': 'src/config/plugin-bundle-child.ts' }, outdir: dist, outExtension: { '.js': '.mjs' }, plugins: [builtins] })

// The worker-thread entry is shipped as it is.
copyFileSync(join(root, 'src/runtime/worker-entry.mjs'), join(dist, 'worker-entry.mjs'))

// Declarations: tsc emits per-file .d.ts into dist/types; each entry gets a .d.mts re-export.
if (!process.argv.includes('--no-dts')) {
  execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { stdio: 'inherit', cwd: root })
  for (const [name, file] of Object.entries(present)) {
    if (name === 'cli') continue // the binary's entry: no types
    const target = './types/' + file.replace(/^src\//, '').replace(/\.ts$/, '.js')
    const hasDefault = /export default|export \{[^}]*\bdefault\b/.test(readFileSync(join(root, file), 'utf8'))
    writeFileSync(join(dist, `${name}.d.mts`), `export * from '${target}'\n${hasDefault ? `export { default } from '${target}'\n` : ''}`)
  }
}
const files = readdirSync(dist).filter(f => f.endsWith('.mjs'))
console.log(`built ${files.join(', ')}`)
