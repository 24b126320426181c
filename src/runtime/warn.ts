/**
 * Warnings printed once per code, straight to stderr (no consola on the start path).
 * Credentials (in URLs, `key=value`, `Bearer …`, tokens by their prefix) are redacted before
 * anything is printed, and in the names of commands and spans before they are recorded.
 */
import type { ReportWarning } from './types.js'
import type { WarningSource, WarnOnce } from './_internal.js'
import { sayWarning } from './say-warning.js'

export function redact(text: string): string {
  // tokens recognizable by their prefix, wherever they are (`deploy ghp_…`, `bad credentials: npm_…`)
  if (text.length >= 20 && mayHoldToken(text)) text = text.replace(TOKEN_SHAPE, '$1***')
  // the common case (a command name, a path) has none of the patterns' anchors: no regex to compile
  if (!text.includes('@') && !text.includes('=') && !text.includes('Bearer') && !text.includes('Basic')) return text
  return text
    .replace(/\/\/([^:@/\s]*):([^@/\s]+)@/g, '//$1:***@') // redis://:password@host has no user
    .replace(/\/\/([^:@/\s]+)@/g, '//***@')
    // the strong words also glued to what precedes them: PGPASSWORD=, accessToken=, githubtoken=
    .replace(/\b([A-Z0-9_-]*(?:TOKEN|SECRET|PASSWORD|PASSWD|PASSPHRASE|CREDENTIALS?)[A-Z0-9_-]*|(?:[A-Z0-9]+[_-])*(?:API[_-]?KEY|PRIVATE[_-]?KEY|ACCESS[_-]?KEY|AUTH|PWD)[A-Z0-9_-]*)=([^\s&]+)/gi, '$1=***')
    .replace(/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/g, '$1 ***')
}

/**
 * The words that make a name a credential's (a flag, a config key, a header, a query parameter),
 * as a regular expression alternation: one list for every place that masks or avoids secrets.
 */
export const SECRET_WORDS = 'token|secret|password|passwd|passphrase|api[_-]?key|apikey|private[_-]?key|access[_-]?key|credentials?|auth'
/**
 * Those of SECRET_WORDS that name a credential even glued to a word before them, as camelCase and
 * run-together names write them (`accessToken`, `githubToken`, `dbPassword`, `PGPASSWORD`, a
 * lowercased header `x-accesstoken`): as an alternation to put after `[a-z0-9]*`. (`auth`, `key`
 * glued would take `author`, `monkey`.)
 */
export const GLUED_SECRET_WORDS = 'token|secret|password|passwd|passphrase|credentials?'

/** A flag whose value is a secret: `--password`, `--api-key`, `--npm-token`, `--client-secret`, `-auth`, `--pass`, `--secret-key`, `--accessToken`, `--dbPassword`... */
const SECRET_FLAG = new RegExp(`^--?(?:[a-z0-9]+[_-])*(?:[a-z0-9]*(?:${GLUED_SECRET_WORDS})|${SECRET_WORDS}|pass|pwd?)(?:[_-]?key)?$`, 'i')
/** A header given as an argument (`-H 'Authorization: token …'`, `--header=X-Api-Key: …`): its value. */
const SECRET_HEADER = new RegExp(`(^|=)((?:[a-z0-9]+-)*(?:[a-z0-9]*(?:${GLUED_SECRET_WORDS})|${SECRET_WORDS}|authorization|cookie)(?:-[a-z0-9]+)*)\\s*:\\s*\\S.*$`, 'is')
/** Tokens recognizable by their prefix (GitHub, GitLab, Slack, npm, OpenAI-style, AWS access key ids). */
const TOKEN_SHAPE = /\b(gh[pousr]_|github_pat_|glpat-|xox[abprs]-|npm_|sk-|AKIA)[A-Za-z0-9_-]{16,}/g

/** One of TOKEN_SHAPE's prefixes is in the argument (a long path or URL then never compiles the pattern). */
function mayHoldToken(arg: string): boolean {
  return arg.includes('gh') || arg.includes('github_pat_') || arg.includes('glpat-') || arg.includes('xox') || arg.includes('npm_') || arg.includes('sk-') || arg.includes('AKIA')
}

/**
 * An argv with its secrets redacted: each argument as `redact` does it (`--token=…`, URLs with
 * credentials, `ghp_…`), and the argument after a secret flag given without `=` (`--password hunter2`).
 */
export function redactArgv(argv: readonly string[]): string[] {
  const out: string[] = []
  for (let i = 0; i < argv.length; i++) {
    let arg = argv[i]!
    // gated like the flag test below: most arguments never compile these
    const colon = arg.indexOf(':')
    if (colon > 0 && arg.charCodeAt(colon + 1) !== 47 /* / of a url */) arg = arg.replace(SECRET_HEADER, '$1$2: ***')
    out.push(redact(arg))
    // only a flag can be one: a command name or a path never compiles the case-insensitive
    // alternation (~0.5 ms on every start, V8 compiles a regex on its first use)
    if (arg.charCodeAt(0) === 45 /* - */ && SECRET_FLAG.test(arg) && i + 1 < argv.length && !argv[i + 1]!.startsWith('--')) {
      out.push('***')
      i++
    }
  }
  return out
}

/**
 * A warning said once per code, on stderr unless UNPERF_SILENT=1; `said` keeps each (redacted, the
 * first WARNINGS_KEPT of say-warning.ts) for the report, so a plugin that failed in a silenced CI run leaves a trace.
 */
export function createWarnOnce(): WarnOnce & { seen: Set<string>; said: ReportWarning[] } {
  const seen = new Set<string>()
  const said: ReportWarning[] = []
  const warn = ((code: string, message: string, about?: WarningSource) => {
    if (seen.has(code)) return
    seen.add(code)
    // recorded and printed by a deferred module (say-warning.ts): a start that warns of nothing holds none of it
    sayWarning(said, code, message, about)
  }) as WarnOnce & { seen: Set<string>; said: ReportWarning[] }
  warn.seen = seen
  warn.said = said
  return warn
}
