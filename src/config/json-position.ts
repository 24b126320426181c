/**
 * Where a JSON text stops parsing, as `line:column` for an error message: JSON.parse says `at
 * position 34` (Node 20) or nothing at all (`Unexpected token 'x', "…" is not valid JSON`), which no
 * editor opens. Error paths only.
 */
import type { SourcePosition } from './source-map.js'

/** The first place `text` cannot go on as JSON (1-based), and why; undefined when it parses. */
export function jsonSyntaxError(text: string): (SourcePosition & { reason: string }) | undefined {
  let reason: string
  try {
    JSON.parse(text)
    return undefined
  } catch (error) {
    reason = (error as Error).message
      .replace(/ at position \d+(?: \(line \d+ column \d+\))?$/, '')
      .replace(/ in JSON$/, '')
      .replace(/, (?:\.\.\.)?".*"(?:\.\.\.)? is not valid JSON$/s, '')
  }
  // the longest prefix some JSON document starts with: the character after it is the error (the
  // end of the text when it is cut short). A prefix of such a prefix is one too: a binary search.
  let offset = text.length
  if (!startsJson(text)) {
    let lo = 0
    let hi = text.length
    while (hi - lo > 1) {
      const mid = (lo + hi) >>> 1
      if (startsJson(text.slice(0, mid))) lo = mid
      else hi = mid
    }
    offset = lo
  }
  const before = text.slice(0, offset)
  // `"perf": {...},\n}`: JSON has no trailing comma, and V8's words do not say it
  if (/^Expected (?:double-quoted property name|property name or '\}')|^Unexpected token '[\]}]'/.test(reason) && before.trimEnd().endsWith(',')) reason += ' (a trailing comma before it?)'
  const line = before.split('\n').length
  return { line, column: offset - before.lastIndexOf('\n'), reason }
}

/** Whether some JSON document starts with `prefix`: it parses, or fails only for its end. */
function startsJson(prefix: string): boolean {
  try {
    JSON.parse(prefix)
    return true
  } catch (error) {
    const message = (error as Error).message
    if (message === 'Unexpected end of JSON input') return true
    const at = / at position (\d+)/.exec(message)
    return at !== null && Number(at[1]) >= prefix.length
  }
}
