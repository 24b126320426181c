import type { Perf } from '../runtime/types.js'

/** A warning of the instance's (stderr once, report.json's warnings); an instance of another copy of unperf: stderr. */
export function warnOn(perf: Perf, code: string, message: string): void {
  const warn = (perf as Perf & { _warn?: (code: string, message: string) => void })._warn
  if (typeof warn === 'function') warn(code, message)
  else process.stderr.write(`[unperf] warn ${message}\n`)
}
