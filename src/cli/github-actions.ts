/**
 * `unperf budget` in a GitHub Actions job (`GITHUB_ACTIONS=true`): an `::error` workflow command per
 * breach, which the runner turns into an annotation on the run and on the pull request's checks
 * (a table in the step's log alone was found only by opening it), and the verdicts as a Markdown
 * table in the job summary (`GITHUB_STEP_SUMMARY`), as size-limit's action or vitest's reporter give
 * theirs. The commands go to stderr: the runner reads them on both streams, and stdout stays the
 * table or `--json`'s document (`unperf budget --json > budgets.json`).
 */
import { appendFileSync } from 'node:fs'
import { workflowError } from '../runtime/report/github-annotations.js'

/** One budget's row as the text table shows it, without color. */
export interface VerdictRow {
  budget: string
  actual: string
  limit: string
  verdict: string
  status: 'pass' | 'fail' | 'skip'
}

/**
 * A cell of a Markdown table, as written: `|` would end it, a line break the row, `<` start HTML, and
 * a glob's `**` made the rest of the row bold (`*`, `_`, `` ` ``, `[`, `~` escaped too).
 */
const cell = (s: string) => s.replace(/[\\`*_[\]~|]/g, '\\$&').replace(/</g, '&lt;').replace(/\r?\n|\r/g, ' ')

/** The verdicts as the job summary shows them: a heading with the count, then the table. */
export function summaryMarkdown(title: string, rows: VerdictRow[], failed: number, noRun: string | undefined, note?: string): string {
  const head = noRun !== undefined ? `❌ ${noRun}` : failed > 0 ? `❌ ${failed} budget${failed === 1 ? '' : 's'} exceeded` : '✅ no budget exceeded'
  const lines = [`### ${cell(title)}: ${cell(head)}`, '']
  // nothing judged: why (`no budget applies to the last run (it ran lint; …)`), not a bare ✅
  if (note !== undefined) lines.push(cell(note), '')
  if (rows.length > 0) {
    lines.push('| budget | actual | limit | verdict |', '| --- | ---: | ---: | --- |')
    for (const r of rows) lines.push(`| ${cell(r.budget)} | ${cell(r.actual)} | ${cell(r.limit)} | ${cell(r.verdict)} |`)
    lines.push('')
  }
  return `${lines.join('\n')}\n`
}

/**
 * Annotations on stderr for each failure (and for no run judged), the table appended to the job
 * summary. A summary file that cannot be written is said on stderr and changes no verdict.
 */
export function reportToGitHub(title: string, rows: VerdictRow[], breaches: string[], noRun: string | undefined, note?: string, env: NodeJS.ProcessEnv = process.env): void {
  if (noRun !== undefined) console.error(workflowError(title, noRun))
  for (const message of breaches) console.error(workflowError(title, message))
  const file = env.GITHUB_STEP_SUMMARY
  if (!file) return
  try {
    appendFileSync(file, summaryMarkdown(title, rows, breaches.length, noRun, note))
  } catch (error) {
    console.error(`[unperf] warning: the job summary (GITHUB_STEP_SUMMARY=${file}) cannot be written: ${(error as Error).message}`)
  }
}
