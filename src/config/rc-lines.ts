/**
 * `.perfrc` written as `key=value` lines (rc9, c12's reader): a key is a dot path with no quoting
 * or escaping. rc9 splits it at every dot and skips a line it cannot read without a word, so a key
 * that holds a dot, a space or a quote (a namespace 'a.b', budgets.commands['cache clear'], an alert
 * 'eventLoop.p99') cannot be written there. unperf refuses the lines rc9 would skip or split into
 * keys the user did not write (quotes, brackets, backslashes, empty segments, spaces), naming the
 * line, and points to perf.config.ts or a JSON .perfrc, which hold any key. Cold path only.
 */
import { readFileSync } from 'node:fs'
import { ConfigError, type ConfigIssue } from '../errors.js'

/** What to write instead: every message ends with it. */
export const RC_KEY_HINT = "a .perfrc key is a dot path split at every dot, with no quoting or escaping: a key that holds a dot, a space or a quote ('a.b', 'cache clear') goes in perf.config.ts or in a JSON .perfrc"

/** Throws a ConfigError listing every `.perfrc` line rc9 would skip or misread. */
export function checkRcLines(file: string): void {
  let text: string
  try { text = readFileSync(file, 'utf8') } catch { return }
  const issues: ConfigIssue[] = []
  text.split(/\r\n|\n|\r/).forEach((raw, i) => {
    const line = raw.trim()
    if (!line || line.startsWith('#') || line.startsWith(';') || line.startsWith('//')) return
    const eq = line.indexOf('=')
    const column = raw.indexOf(line) + 1
    if (eq < 0) {
      issues.push({ file: '.perfrc', path: '', expected: 'a key=value line or a comment', found: undefined, line: i + 1, column, message: `.perfrc:${i + 1}:${column}: expected a key=value line (cache.ttl=1h) or a comment (# ...), got a line without '=' (rc9 skips it)` })
      return
    }
    const key = line.slice(0, eq).trim()
    const bare = key.replace(/\[\]$/, '')
    const problem = !bare ? 'an empty key (rc9 skips the line)'
      : /\s/.test(key) ? 'a key with a space (rc9 skips the line)'
      : /['"`\\[\]]/.test(bare) ? `quotes, brackets and backslashes are no escape (rc9 would split it at its dots as they are)`
      : bare.startsWith('.') || bare.endsWith('.') || bare.includes('..') ? 'an empty key between dots'
      : undefined
    // the key only: the value may be a credential
    if (problem) issues.push({ file: '.perfrc', path: key, expected: 'a dot path', found: key, line: i + 1, column, message: `.perfrc:${i + 1}:${column}: ${key ? `${key}: ` : ''}${problem}; ${RC_KEY_HINT}` })
  })
  if (issues.length > 0) throw new ConfigError(issues)
}
