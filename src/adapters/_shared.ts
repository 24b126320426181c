/**
 * What both adapters share: their options, the host package root, `--no-cache` detection and
 * creating (or adopting) the perf instance for one CLI run.
 */
import { existsSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { createPerfForCommands } from '../runtime/perf.js'
import { realPath } from '../runtime/real-path.js'
import type { Perf } from '../runtime/types.js'
import { ConfigError, errorMessage } from '../errors.js'
import { armFastExit } from './fast-exit.js'
import { warnOn } from './warn-on.js'
import { closeExpecting, followExitCode } from '../runtime/report/exit-code.js'

/** Options of `withPerf()` (unperf/citty) and `instrument()` (unperf/commander). */
export interface PerfAdapterOptions {
  /** Where `perf.config` is looked for. @default the host CLI's package root: the nearest package.json above `process.argv[1]` */
  rootDir?: string | undefined
  /** The project the command works on. @default the nearest dir at or above process.cwd() with a package.json (not past a `.git` dir or to the home dir), else process.cwd() */
  cwd?: string | undefined
  /** Explicit config file (absolute or relative to `rootDir`). */
  configFile?: string | undefined
  /** The environment (`$development`, `$env.<name>` blocks). @default PERF_ENV, else NODE_ENV, else 'production' */
  env?: string | undefined
  /** Use this instance instead of creating one. The adapter still closes it when the CLI ends. */
  perf?: Perf | undefined
  /**
   * End the process the way `process.exit()` does once perf is closed and every other 'exit'
   * listener has run, skipping node's teardown of the heap (≈ 1.5–3 ms). `false` keeps node's
   * teardown, for a host whose native addons rely on environment cleanup hooks.
   * @default true
   */
  fastExit?: boolean | undefined
}

/** The host package root: the nearest directory holding a package.json above the entry file. */
export function hostRootDir(entry: string | undefined = process.argv[1]): string | undefined {
  if (!entry) return undefined
  let dir: string
  try { dir = dirname(realPath(entry)) } catch { dir = dirname(resolve(entry)) }
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) return dir
    const parent = dirname(dir)
    if (parent === dir) return undefined
    dir = parent
  }
}

/** `--no-cache` among the arguments (not after `--`). */
export function hasNoCacheFlag(argv: readonly string[]): boolean {
  for (const arg of argv) {
    if (arg === '--') return false
    if (arg === '--no-cache') return true
  }
  return false
}

/**
 * Create the run's perf instance (or adopt `options.perf`); `noCache` (the host's `--no-cache`)
 * switches the cache off; `adapter` names the function a bad rootDir or cwd was given to.
 */
export async function startPerf(options: PerfAdapterOptions, noCache: boolean, adapter: 'withPerf' | 'instrument'): Promise<Perf> {
  const given = options.perf
  if (given) {
    // its cache is its creator's: say so rather than take the flag and do nothing
    if (noCache && given.config.cache.enabled) warnOn(given, 'no-cache-given-perf', "--no-cache cannot switch off the cache of the perf instance given to the adapter (its `perf` option): its creator set the cache up. Create it with `overrides: { cache: { enabled: false } }` when the command line has --no-cache (or set UNPERF_CACHE=0)")
    return given
  }
  return createPerfForCommands({
    rootDir: options.rootDir ?? hostRootDir(),
    cwd: options.cwd,
    configFile: options.configFile,
    env: options.env,
    ...(noCache && { overrides: { cache: { enabled: false } } }),
  }, adapter)
}

/**
 * Whether a run's arguments are the process's own (`cli build` from a shell), not ones a test or a
 * REPL host handed to the adapter: only then is the process's exit code the run's.
 */
export function isCommandLine(args: readonly string[]): boolean {
  const own = process.argv.slice(2)
  return args.length === own.length && args.every((arg, i) => arg === own[i])
}

/**
 * Close once; a failing close is reported, never hides the command's own outcome. `expected`: the
 * code the run ends with when the host sets none, recorded while process.exitCode is unset; for the
 * process's own command (`commandLine`: see isCommandLine), the exit code the process then ends
 * with replaces the one recorded, when it differs (report/exit-code.ts).
 * Then, unless `fastExit: false`, the process ends without node's teardown once the loop is done
 * (fast-exit.ts).
 */
export async function closePerf(perf: Perf | undefined, options: PerfAdapterOptions, expected: number | undefined, commandLine: boolean): Promise<void> {
  if (!perf) return
  await outputFlushed()
  try {
    // the process ends after this run (an error rethrown to node, citty's own process.exit(1), a
    // host's late process.exit(n)): the code it ends with is the one the run records
    followExitCode(await closeExpecting(perf, expected), commandLine)
  } catch (error) {
    process.stderr.write(`[unperf] closing perf failed: ${errorMessage(error)}\n`)
  }
  if (options.fastExit !== false) armFastExit()
}

/**
 * The CLI's output written out. Output to a pipe is asynchronous: a command that printed a lot to
 * `cli | head -1` returns with most of it still queued, and the EPIPE that ends the process (exit 1)
 * comes later. Closing perf before that recorded exit 0 for a run that exits 1; waiting for the
 * queued output lets that error reach the process while perf is open, whose exit handler records
 * the code the process really exits with (or, when a host 'error' listener handles the EPIPE, the
 * close goes on). Nothing queued (a TTY, a file, output already flushed): no wait.
 */
function outputFlushed(): Promise<unknown> {
  // output is queued only on a pipe (a file's writes and, on Linux, a TTY's are synchronous): with no
  // pipe handle alive, process.stdout/stderr are not even looked at (the first look creates the
  // stream: a few ms, at every exit of a CLI that never wrote to one of them)
  if (!process.getActiveResourcesInfo().some(type => type === 'PipeWrap' || type === 'TTYWrap' || type.endsWith('WriteWrap'))) return Promise.resolve()
  return Promise.all([process.stdout, process.stderr].map(stream => (stream.writableLength > 0 && !stream.destroyed
    ? new Promise<void>((resolve) => {
        // the host ended the stream itself (a write now would be an error of its own): its finish
        if (stream.writableEnded) {
          const done = () => { stream.off('finish', done); stream.off('close', done); resolve() }
          stream.on('finish', done)
          stream.on('close', done)
          return
        }
        // called once what was queued before it is written, or with the error that ended the stream
        stream.write('', (error) => {
          if (!error || stream.closed) resolve()
          // the stream's 'error' comes next: unhandled, it ends the process now (exit handler);
          // handled by the host, the stream closes and the run closes as usual
          else stream.once('close', () => resolve())
        })
      })
    : undefined)))
}

/**
 * A bad perf config in a host CLI: its message alone on stderr (the list of problems; not the
 * stack, which points into unperf's bundle), and exit 2, bad config, as the unperf CLI does.
 */
export function exitOnConfigError(error: unknown): void {
  if (!(error instanceof ConfigError)) return
  process.stderr.write(`${error.message}\n`)
  process.exit(2)
}
