/**
 * A warning said (createWarnOnce in warn.ts decides it is new): kept for the report, redacted, and
 * printed on stderr unless UNPERF_SILENT=1. A deferred module (scripts/build.mjs): a start that warns
 * of nothing never loads it; one that does loads it synchronously, so the line is written when
 * warned, as before.
 */
import type { ReportWarning } from './types.js'
import type { WarningSource } from './_internal.js'
import { useColor } from './color.js'
import { redact } from './warn.js'

/** Warnings a report keeps (report.json `warnings`): the first this many. */
const WARNINGS_KEPT = 100

/** Keeps the warning in `said` (the first WARNINGS_KEPT), its text and source redacted, and prints it. */
export function sayWarning(said: ReportWarning[], code: string, message: string, about: WarningSource | undefined): void {
  if (said.length < WARNINGS_KEPT) said.push(about ? { code: redact(code), message: redact(message), ...redactedSource(about) } : { code: redact(code), message: redact(message) })
  if (process.env.UNPERF_SILENT === '1') return
  const prefix = useColor(process.stderr) ? '\x1b[33m[unperf] warn\x1b[0m' : '[unperf] warn'
  // an error in the message is named by errorMessage(): without its own prefix
  process.stderr.write(`${prefix} ${redact(message)}\n`)
}

/** A warning's source (a plugin's specifier may be a URL with credentials), its fields redacted. */
function redactedSource(about: WarningSource): WarningSource {
  const out: WarningSource = {}
  if (about.plugin !== undefined) out.plugin = redact(about.plugin)
  if (about.file !== undefined) out.file = redact(about.file)
  if (about.path !== undefined) out.path = about.path
  return out
}
