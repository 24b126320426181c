/**
 * Files whose assertions compare processes, timeouts or sizes under concurrency (reliability, a
 * shared Redis, several processes on one cache): they run after the rest, one file at a time, so
 * the other test files' load never decides them ('serial' project).
 */
export const SERIAL = [
  'test/reliability/**/*.test.ts',
  'test/cache/redis-*.test.ts',
  'test/cache/multiprocess*.test.ts',
  'test/cache-fetch/across-processes.test.ts',
  // its verdicts are timings: 'true' against a baseline median of 0 is a regression once it takes twice the
  // shell spawn time, which the shared phase's load made it (CI 2026-12-08 00:08, exit 1 for the fast case)
  'test/cli/bench-baseline.test.ts',
  // an 'adaptive' pool's limit against a real service, or under CPU-bound work: the limit follows the
  // latency a loaded machine gives, and one file compares its time with a fixed concurrency's
  'test/runtime/pool-adaptive-refusals.test.ts',
  'test/runtime/pool-adaptive-cpu.test.ts',
]

/**
 * The SERIAL files that change their process (the same reasons as ISOLATED's): they run after the
 * rest of 'serial', each in a process of its own ('serial-isolated' project). The other SERIAL files
 * run one after the other in one process, modules kept, as the 'shared' project's files: a fork and
 * a re-import of vitest, the helpers and src per file cost the serial phase ≈ 1.6 s of pure wall
 * time per file under load (73 s of its 298 s in CI's run of 2026-12-07 05:51).
 */
export const SERIAL_ISOLATED = [
  'test/cache/redis-exit.test.ts', // adds or removes process listeners (as its checker reads it: the listener is in its child's script)
  'test/cache/redis-lock-clock.test.ts', // vi mocks, spies or fake timers
  'test/cache/redis-long-timeout.test.ts', // adds or removes process listeners
]

/**
 * Test files that change what the next file in their process would see: they set process.env,
 * the umask, globals, process listeners or stdout/stderr writes, use vi mocks, spies or fake
 * timers, or run perf instances or CLI code in-process (process-wide state: the current instance,
 * exit codes, exit listeners, the clock offset). The others share their worker's process and
 * modules with the files before them ('shared' project: no fork, no re-import of vitest, the
 * helpers and src per file); test/docs/shared-files.test.ts checks that every file outside this
 * list does none of it. These share a worker's process too, but what they change is put back after
 * each ('restored' project, test/setup/restore-process.ts: process state restored and checked, every
 * module evaluated anew for the next file), saving the fork and the re-import of vitest that a
 * process per file cost (≈ 0.9 s of CPU each); but for OWN_PROCESS.
 */
export const ISOLATED = [
  'test/adapters/adapters.test.ts', // per-file hooks in a helper
  'test/adapters/citty-load-phase.test.ts', // per-file hooks in a helper
  'test/adapters/citty-short-flags.test.ts', // per-file hooks in a helper
  'test/adapters/commander-catch.test.ts', // per-file hooks in a helper
  'test/adapters/commander-exit.test.ts', // per-file hooks in a helper
  'test/adapters/commander-help.test.ts', // per-file hooks in a helper
  'test/adapters/commander-sync-parse.test.ts', // per-file hooks in a helper
  'test/adapters/exit-code-driver.test.ts', // per-file hooks in a helper
  'test/adapters/exit-code.test.ts', // per-file hooks in a helper
  'test/adapters/help-monitors.test.ts', // per-file hooks in a helper
  'test/adapters/nested-run.test.ts', // per-file hooks in a helper
  'test/adapters/no-cache-owner.test.ts', // per-file hooks in a helper
  'test/adapters/perf-option.test.ts', // per-file hooks in a helper
  'test/cache/cache.test.ts', // vi mocks, spies or fake timers
  'test/cache/cached-name.test.ts', // in-process perf/CLI state
  'test/cache/cached-option-words.test.ts', // in-process perf/CLI state
  'test/cache/clock-ahead.test.ts', // vi mocks, spies or fake timers
  'test/cache/lazy-facade.test.ts', // in-process perf/CLI state
  'test/cache/namespaces.test.ts', // sets process.env
  'test/cache/policy-config.test.ts', // sets process.env, in-process perf/CLI state
  'test/cache/swr-true-config.test.ts', // in-process perf/CLI state
  'test/cache/ttl-units.test.ts', // in-process perf/CLI state
  'test/cache/wrap-files-dir.test.ts', // in-process perf/CLI state
  'test/cli/bench-format.test.ts', // in-process perf/CLI state
  'test/cli/bench-stats.test.ts', // in-process perf/CLI state
  'test/cli/cache-unreachable.test.ts', // missed its 1 s redis bound in a 'shared' trial under a load of 12-17 (not told apart from the load yet)
  'test/cli/child-group-windows.test.ts', // in-process perf/CLI state
  'test/cli/doctor-redis-cluster.test.ts', // in-process perf/CLI state
  'test/cli/budget-github-actions.test.ts', // imports src/cli/github-actions.js (pure summaryMarkdown(), but src/cli/ counts as in-process CLI code)
  'test/cli/exit-status.test.ts', // imports src/cli/exit-status.js (pure shellSignal(), but src/cli/ counts as in-process CLI code)
  'test/cli/parent-config.test.ts', // in-process perf/CLI state
  'test/cli/profile-being-written.test.ts', // sets process.env (PATH), imports src/cli (profile-processes.ts)
  'test/cli/profile-exit-code.test.ts', // signals its own process
  'test/cli/profile-wrappers.test.ts', // sets process.exitCode, in-process perf/CLI state
  'test/cli/progress.test.ts', // in-process perf/CLI state
  'test/cli/stderr-prefix.test.ts', // in-process perf/CLI state
  'test/cli/stop-signal.test.ts', // adds or removes process listeners
  'test/cli/table-align.test.ts', // imports src/cli/_ui.js (pure table(), but src/cli/ counts as in-process CLI code)
  'test/cli/windows-command.test.ts', // imports src/cli/windows-command.js (pure functions, but src/cli/ counts as in-process CLI code)
  'test/config/alert-units.test.ts', // sets process.env
  'test/config/config-files.test.ts', // sets process.env
  'test/config/duplicate-tiers.test.ts', // sets process.env
  'test/config/duration-whole-ms.test.ts', // sets process.env, in-process perf/CLI state
  'test/config/env-block-names.test.ts', // sets process.env, in-process perf/CLI state
  'test/config/error-positions.test.ts', // sets process.env, in-process perf/CLI state
  'test/config/exact-optional.test.ts', // timed out in a 'shared' trial under a load of 12-17 (not told apart from the load yet)
  'test/config/extends-cycle.test.ts', // sets process.env (through _fixtures.ts)
  'test/config/extends-empty.test.ts', // sets process.env
  'test/config/extends-every-layer.test.ts', // sets process.env (through _fixtures.ts)
  'test/config/extends-package.test.ts', // sets process.env
  'test/config/home-paths.test.ts', // sets process.env, in-process perf/CLI state
  'test/config/issue-files.test.ts', // sets process.env
  'test/config/load.test.ts', // sets process.env, sets the umask
  'test/config/no-default-export.test.ts', // sets process.env
  'test/config/other-env-blocks.test.ts', // sets process.env
  'test/config/overrides-caller.test.ts', // sets process.env, in-process perf/CLI state
  'test/config/plugin-one-instance.test.ts', // replaces stdout/stderr writes, in-process perf/CLI state
  'test/config/plugin-order.test.ts', // in-process perf/CLI state
  'test/config/preset-plugins.test.ts', // replaces stdout/stderr writes, in-process perf/CLI state
  'test/config/project-dir.test.ts', // sets process.env
  'test/config/rc-json.test.ts', // sets process.env
  'test/config/rc-keys.test.ts', // sets process.env
  'test/config/redis-url.test.ts', // sets process.env
  'test/config/snapshot-damage.test.ts', // sets process.env
  'test/config/snapshot-versions.test.ts', // sets process.env
  'test/docs/process-state.test.ts', // sets process.env, the umask, globals, process listeners, stdout/stderr writes (and puts them back)
  'test/hooks/config-hooks-layers.test.ts', // replaces stdout/stderr writes, in-process perf/CLI state
  'test/hooks/host-late-hook.test.ts', // replaces stdout/stderr writes, in-process perf/CLI state
  'test/hooks/host-unknown-hook.test.ts', // replaces stdout/stderr writes, in-process perf/CLI state
  'test/hooks/perf-ready-payload.test.ts', // in-process perf/CLI state
  'test/hooks/plugin-after-close.test.ts', // in-process perf/CLI state
  'test/hooks/plugin-async-identity.test.ts', // replaces stdout/stderr writes, in-process perf/CLI state
  'test/hooks/plugin-cache-events.test.ts', // in-process perf/CLI state
  'test/hooks/plugin-cache.test.ts', // sets globals, in-process perf/CLI state
  'test/hooks/plugin-commonjs.test.ts', // in-process perf/CLI state
  'test/hooks/plugin-entry-position.test.ts', // sets process.env
  'test/hooks/plugin-error-routes.test.ts', // replaces stdout/stderr writes, in-process perf/CLI state
  'test/hooks/plugin-hook-order.test.ts', // in-process perf/CLI state
  'test/hooks/plugin-hook-timeout.test.ts', // replaces stdout/stderr writes, process listeners, sets process.env, in-process perf/CLI state
  'test/hooks/plugin-info.test.ts', // sets process.env, in-process perf/CLI state
  'test/hooks/plugin-late-hooks.test.ts', // replaces stdout/stderr writes, in-process perf/CLI state
  'test/hooks/plugin-lifecycle.test.ts', // replaces stdout/stderr writes, sets globals, in-process perf/CLI state
  'test/hooks/plugin-namespace-config.test.ts', // replaces stdout/stderr writes, in-process perf/CLI state
  'test/hooks/plugin-package.test.ts', // in-process perf/CLI state
  'test/hooks/plugin-path-missing.test.ts', // replaces stdout/stderr writes, in-process perf/CLI state
  'test/hooks/plugin-remove-hook.test.ts', // sets globals, in-process perf/CLI state
  'test/hooks/plugin-setup-timeout.test.ts', // replaces stdout/stderr writes, process listeners, sets process.env, sets globals, in-process perf/CLI state
  'test/hooks/plugin-shape.test.ts', // replaces stdout/stderr writes, in-process perf/CLI state
  'test/metrics/command-names.test.ts', // replaces stdout/stderr writes, in-process perf/CLI state
  'test/monitors/alerts.test.ts', // vi mocks, spies or fake timers, in-process perf/CLI state
  'test/monitors/metric-kinds.test.ts', // in-process perf/CLI state
  'test/monitors/monitor.test.ts', // process listeners
  'test/monitors/otel-concurrent.test.ts', // in-process perf/CLI state
  'test/monitors/otel-missing.test.ts', // vi mocks, spies or fake timers, in-process perf/CLI state
  'test/monitors/otel-siblings.test.ts', // in-process perf/CLI state
  'test/monitors/otel-user-metrics.test.ts', // in-process perf/CLI state, OpenTelemetry's global meter provider
  'test/monitors/otel.test.ts', // in-process perf/CLI state
  'test/monitors/perf.test.ts', // in-process perf/CLI state
  'test/monitors/prometheus-address.test.ts', // in-process perf/CLI state
  'test/monitors/start-with-command.test.ts', // in-process perf/CLI state
  'test/package/conform-config-warm.test.ts', // sets process.env (as its checker reads it: in its child's script)
  'test/package/conform-config.test.ts', // sets process.env
  'test/package/conform-runtime.test.ts', // sets globals, sets process.exitCode
  'test/report/console-spans.test.ts', // in-process perf/CLI state
  'test/report/exit-code.test.ts', // in-process perf/CLI state
  'test/report/finalize.test.ts', // replaces stdout/stderr writes, sets process.exitCode
  'test/report/history-driver-frozen.test.ts', // process listeners, replaces stdout/stderr writes
  'test/report/history-zero-driver.test.ts', // in-process perf/CLI state
  'test/report/history.test.ts', // in-process perf/CLI state
  'test/report/trace-command-tracks.test.ts', // in-process perf/CLI state
  'test/report/trace-tracks.test.ts', // in-process perf/CLI state
  'test/report/warnings.test.ts', // sets process.env, in-process perf/CLI state
  'test/runtime/clock.test.ts', // vi mocks, spies or fake timers, in-process perf/CLI state
  'test/runtime/command-roots.test.ts', // in-process perf/CLI state
  'test/runtime/current.test.ts', // sets globals
  'test/runtime/dir-options.test.ts', // per-file hooks in a helper, sets process.env, in-process perf/CLI state
  'test/runtime/error-codes.test.ts', // in-process perf/CLI state
  'test/runtime/execution-input.test.ts', // in-process perf/CLI state
  'test/runtime/graph-input.test.ts', // in-process perf/CLI state
  'test/runtime/graph-name.test.ts', // in-process perf/CLI state
  'test/runtime/graph-shared-signal.test.ts', // process listeners
  'test/runtime/graph-spans.test.ts', // in-process perf/CLI state
  'test/runtime/hooks.test.ts', // replaces stdout/stderr writes, sets globals, in-process perf/CLI state
  'test/runtime/lifecycle-records.test.ts', // in-process perf/CLI state
  'test/runtime/lock-file-clock.test.ts', // vi mocks, spies or fake timers
  'test/runtime/long-names.test.ts', // in-process perf/CLI state
  'test/runtime/make-dir.test.ts', // sets the umask
  'test/runtime/memory-snapshot-label.test.ts', // in-process perf/CLI state
  'test/runtime/memory-trend-clock.test.ts', // vi mocks, spies or fake timers
  'test/runtime/perf.test.ts', // replaces stdout/stderr writes, sets globals, in-process perf/CLI state
  'test/runtime/pool-call-options.test.ts', // process listeners, vi mocks, spies or fake timers, in-process perf/CLI state
  'test/runtime/pool-cancelled.test.ts', // vi mocks, spies or fake timers
  'test/runtime/pool-map-promise-items.test.ts', // process listeners
  'test/runtime/pool-paths.test.ts', // process listeners
  'test/runtime/pool.test.ts', // vi mocks, spies or fake timers
  'test/runtime/project.test.ts', // sets process.env
  'test/runtime/run-after-close.test.ts', // in-process perf/CLI state
  'test/runtime/run-name.test.ts', // in-process perf/CLI state
  'test/runtime/span-input.test.ts', // in-process perf/CLI state
  'test/runtime/span-memory.test.ts', // vi mocks, spies or fake timers
  'test/runtime/unknown-options.test.ts', // in-process perf/CLI state
  'test/runtime/workers-backoff-abort.test.ts', // vi mocks, spies or fake timers
  'test/runtime/workers-call-options.test.ts', // its thread's first heartbeat came late sharing a worker (3 of 4 shared runs failed under load, 0 of 2 isolated)
  'test/runtime/workers-import-failure.test.ts', // in-process perf/CLI state
  'test/runtime/workers-shared-signal.test.ts', // process listeners
  'test/runtime/workers-report.test.ts', // in-process perf/CLI state
  'test/runtime/workers-timeout-queue.test.ts', // process listeners
  'test/vitest/history.test.ts', // sets the umask
  'test/vitest/worker-crash.test.ts', // signals its own process
]

/**
 * The ISOLATED files that still run each in a process of its own ('own-process' project): what they
 * change cannot be put back in-process, or they were told apart from load only so far.
 */
export const OWN_PROCESS = [
  'test/monitors/otel-missing.test.ts', // mocks a module (vitest's hoisted module mock): module mocks are not reset with the modules
  'test/cli/profile-exit-code.test.ts', // signals its own process
  'test/vitest/worker-crash.test.ts', // signals its own process
  'test/cli/cache-unreachable.test.ts', // missed its 1 s redis bound in a 'shared' trial under a load of 12-17 (not told apart from the load yet)
  'test/config/exact-optional.test.ts', // timed out in a 'shared' trial under a load of 12-17 (not told apart from the load yet)
  'test/runtime/workers-call-options.test.ts', // its thread's first heartbeat came late sharing a worker (3 of 4 shared runs failed under load, 0 of 2 isolated)
  'test/runtime/memory-trend-clock.test.ts', // judges the real heap's growth over five snapshots: the garbage earlier files left in a shared process, freed by a GC in the series, read as 'shrinking' (CI 2026-12-07 16:10)
]
