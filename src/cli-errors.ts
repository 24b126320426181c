/**
 * The unperf CLI's own errors: those its commands end with (a benchmarked or profiled command that
 * failed, a benchmark stopped by a signal, a port `monitor --serve` cannot listen on), and any error
 * as `--json` gives it. The API's errors, which these extend, are errors.ts's.
 */
import { errorMessage, PerfError, type ConfigIssue } from './errors.js'

/** The `error` of the `unperf` CLI's `--json` output, the same for every command and every error. */
export interface JsonError {
  /** The error's class: `UsageError`, `ConfigError`, `BenchCommandError`, ... (`Error` when none). */
  name: string
  /** Stable: `E_USAGE`, `E_CONFIG`, `E_UNKNOWN_OPTION`, ...; the error's own `code`, else `E_UNEXPECTED`. */
  code: string
  /** What the text output says, without its `[unperf] ` prefix and without colors. */
  message: string
  /** A config error's problems, each with its file, key path and position. */
  issues?: ConfigIssue[]
  /** A failed command's exit status (`unperf bench`, `unperf profile`): 128 + n when signal n killed it. */
  exitCode?: number
  /** The signal that killed the command ('SIGKILL'), or that interrupted unperf (BenchInterruptedError). */
  signal?: string
}

/**
 * An error as `--json` gives it: `{ name, code, message }` (and a config error's `issues`), the
 * message as errorMessage() says it (no `[unperf] ` prefix: some errors had it, some not) and plain.
 */
export function jsonError(error: unknown): JsonError {
  const e = (typeof error === 'object' && error !== null ? error : {}) as { name?: unknown; code?: unknown; issues?: unknown; exitCode?: unknown; signal?: unknown }
  return {
    name: typeof e.name === 'string' && e.name !== '' ? e.name : 'Error',
    code: typeof e.code === 'string' && e.code !== '' ? e.code : 'E_UNEXPECTED',
    // eslint-disable-next-line no-control-regex
    message: errorMessage(error).replace(/\x1b\[[0-9;]*m/g, ''),
    ...(Array.isArray(e.issues) && { issues: e.issues as ConfigIssue[] }),
    // a command's end (BenchCommandError, ProfileCommandError): its status, and the signal that killed it
    ...(typeof e.exitCode === 'number' && { exitCode: e.exitCode }),
    ...(typeof e.signal === 'string' && { signal: e.signal }),
  }
}

/**
 * `unperf bench`: a benchmarked command, or its `--prepare` command, exited non-zero (without
 * `--ignore-failure`). Like hyperfine, the benchmark stops at that run: its figures would time a
 * failure. The CLI exits 1.
 */
export class BenchCommandError extends PerfError {
  override name = 'BenchCommandError'
  /** The command as given (the `--prepare` one for a failed preparation). */
  command: string
  /** Its exit status (128 + n when signal n ended it). */
  exitCode: number
  /** The signal that killed it ('SIGKILL'), when one did; its exitCode is then 128 + n. */
  signal: string | undefined
  constructor(message: string, command: string, exitCode: number, signal?: string) {
    super('E_BENCH_COMMAND_FAILED', message)
    this.command = command
    this.exitCode = exitCode
    this.signal = signal
  }
}

/**
 * `unperf bench` was stopped by a signal sent to it (SIGINT, SIGTERM, SIGHUP): the running command's
 * process group got it too. The results of the commands completed before are still printed; the
 * CLI exits 128 + the signal's number (SIGINT: 130).
 */
export class BenchInterruptedError extends PerfError {
  override name = 'BenchInterruptedError'
  // a signal's name as a string, not NodeJS.Signals: the public types must not need @types/node
  constructor(readonly signal: 'SIGINT' | 'SIGTERM' | 'SIGHUP', message = `interrupted by ${signal}`) {
    super('E_INTERRUPTED', message)
  }
}

/**
 * `unperf profile`: the profiled command could not be started (`E_COMMAND_NOT_RUN`: not found, exit
 * 127; not executable, 126), or it failed before any node process wrote a profile (`E_NO_PROFILE`).
 * The CLI exits with `exitCode`, as a shell does for the command itself.
 */
export class ProfileCommandError extends PerfError {
  override name = 'ProfileCommandError'
  /** The command as given (its words joined by spaces). */
  command: string
  /** The status unperf exits with: the command's own, 128 + n when signal n ended it, 127/126 when it could not be started. */
  exitCode: number
  constructor(code: 'E_COMMAND_NOT_RUN' | 'E_NO_PROFILE', message: string, command: string, exitCode: number) {
    super(code, message)
    this.command = command
    this.exitCode = exitCode
  }
}

/**
 * `unperf monitor --serve` could not listen: the port is in use (`E_PORT_IN_USE`) or listening
 * failed otherwise (`E_LISTEN`: no permission, an address not on this host). The CLI exits 1.
 */
export class ListenError extends PerfError {
  override name = 'ListenError'
  host: string
  port: number
  constructor(host: string, port: number, cause: (Error & { code?: string }) | undefined) {
    const at = `${host.includes(':') ? `[${host}]` : host}:${port}`
    const inUse = cause?.code === 'EADDRINUSE'
    super(inUse ? 'E_PORT_IN_USE' : 'E_LISTEN', inUse
      ? `monitor --serve: ${at} is in use (EADDRINUSE): stop what listens there, or pick another port with --port`
      : `monitor --serve: cannot listen on ${at} (${cause?.code ?? cause?.message ?? 'unknown error'}): pick another port with --port, or another host with --host`, { cause })
    this.host = host
    this.port = port
  }
}
