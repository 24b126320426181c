/**
 * GitHub Actions workflow commands for budget breaches: `::error title=…::message`, which the runner
 * shows as an annotation on the run and on the pull request. `unperf budget` writes one per breach;
 * a run in `'error'` mode writes them beside its summary (the job fails of its exit code, and the
 * reason was a line of the step's log alone). A deferred module (scripts/build.mjs): loaded only in
 * a GitHub Actions job with a breach.
 */
import type { PerfReport } from '../types.js'
import { writeOwnStderr } from './own-stderr.js'

/** `%`, CR and LF escaped as @actions/core escapes a command's message: a name with a newline cannot start a command of its own. */
const data = (s: string) => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A')

/** `::error title=…::message`, one line; a property's value ends at `:` and `,` too, so those are escaped in the title. */
export function workflowError(title: string, message: string): string {
  return `::error title=${data(title).replace(/:/g, '%3A').replace(/,/g, '%2C')}::${data(message)}`
}

/** The breaches of a run as annotations on stderr (the runner reads workflow commands on both streams), titled `unperf (<name>)`. */
export function annotateBreaches(report: Pick<PerfReport, 'name' | 'budgets'>): void {
  let text = ''
  for (const b of report.budgets) if (b.status === 'fail') text += `${workflowError(`unperf (${report.name})`, b.message)}\n`
  if (text) writeOwnStderr(text)
}
