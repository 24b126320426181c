/**
 * A config file that did not load (a syntax error, a throw while it ran) as a ConfigError naming the
 * file and the line and column in it: those of the file, not of jiti's copy, nor of a dependency or
 * of unperf's own frames. The cold path's (c12.ts) only.
 */
import { existsSync, readFileSync } from 'node:fs'
import { join, resolve, sep } from 'node:path'
import { ConfigError, configIssue, errorMessage } from '../errors.js'
import { configCandidates } from './config-candidates.js'
import { jsonSyntaxError } from './json-position.js'
import { jitiSourcePosition } from './source-map.js'

/**
 * A syntax (or evaluation) error in a config file: name the file and line. `ownRoot`: unperf's own
 * package (package-lookup.ts packageRoot()), whose frames are the config's callers, not the config.
 */
export function configLoadError(error: unknown, rootDir: string, configFile: string | undefined, ownRoot: string | undefined): ConfigError {
  const message = errorMessage(error)
  const stack = error instanceof Error ? (error.stack ?? '') : ''
  // the first location in the config's own files: frames in dependencies (jiti parsing a JSON file,
  // say) are skipped, and the frames from unperf's own code on are the callers of the config, not it
  const ownDirs = ownRoot ? [join(ownRoot, 'src') + sep, join(ownRoot, 'dist') + sep] : []
  const inDeps = (path: string) => /[\\/]node_modules[\\/]/.test(path)
  let fileMatch: RegExpExecArray | undefined
  // a frame of node's own import is a `file://` URL, one of code jiti evaluated a path (jitiSourcePosition)
  let native = false
  for (const m of `${message}\n${stack}`.matchAll(/(file:\/\/)?((?:\/|[A-Za-z]:\\)[^\s:()]+\.(?:[cm]?[jt]s|json[c5]?|ya?ml|toml)):(\d+)(?::(\d+))?/g)) {
    if (ownDirs.some(d => m[2]!.startsWith(d))) break
    if (!inDeps(m[2]!)) { fileMatch = m; native = m[1] !== undefined; break }
  }
  // else a file the message names without a line (JSON.parse's errors through jiti)
  const named = /((?:\/|[A-Za-z]:\\)[^\s:()]+\.(?:[cm]?[jt]s|json[c5]?|ya?ml|toml)):/.exec(message)?.[1]
  const file = fileMatch?.[2] ?? (named && !inDeps(named) ? named : configCandidates(rootDir, configFile).find(f => existsSync(f)) ?? resolve(rootDir, configFile ?? 'perf.config'))
  // jiti's parse errors end with babel's position in the file: its column counts from 0. Any other
  // position is in the copy jiti ran: its columns (and lines, where babel could not keep them) are not the file's
  const parse = fileMatch?.[4] && !native && message.endsWith(`\n ${fileMatch[0]}`) ? { line: Number(fileMatch[3]), column: Number(fileMatch[4]) + 1 } : undefined
  let at = parse ?? (fileMatch?.[4] ? jitiSourcePosition(fileMatch[2]!, Number(fileMatch[3]), Number(fileMatch[4]), native) : undefined)
  // a perf.config.json that does not parse: JSON.parse's `at position 34` (or nothing), as line:column
  let reason = message.split('\n')[0]!
  if (!at && file.endsWith('.json')) {
    let text: string | undefined
    try { text = readFileSync(file, 'utf8') } catch { /* named, not read: the message as it is */ }
    const bad = text === undefined ? undefined : jsonSyntaxError(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text)
    if (bad) {
      at = { line: bad.line, column: bad.column }
      reason = `not valid JSON: ${bad.reason}`
    }
  }
  reason = reason.trimEnd() // babel's message ends in spaces where its code frame was
  // a parse error at the end of the file (nothing but white space after it): what was left open
  if (parse && /^(?:ParseError|SyntaxError): Unexpected token/.test(reason)) {
    let text: string | undefined
    try { text = readFileSync(file, 'utf8') } catch { /* named, not read */ }
    const lines = text?.split('\n')
    if (lines && lines.slice(parse.line - 1).join('\n').slice(parse.column - 1).trim() === '') reason += ' at the end of the file: a brace, bracket or quote left open?'
  }
  const where = at ? `${file}:${at.line}:${at.column}` : fileMatch ? `${file}:${fileMatch[3]}${fileMatch[4] ? `:${fileMatch[4]}` : ''}` : file
  const issue = configIssue(file, '(file)', 'a config file that loads', reason)
  if (at) Object.assign(issue, { line: at.line, column: at.column })
  issue.message = `${where}: could not load the config: ${reason}`
  return new ConfigError([issue], { cause: error })
}
