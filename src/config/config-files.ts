/**
 * What c12 skips or drops without a word, checked before it runs (the cold path only: on a warm
 * start the snapshot's inputs, these files among them, must be unchanged): a directory where a
 * config file is looked for (`perf.config.mjs/`, `.config/perf.config.ts/`, `.perfrc/`,
 * `package.json/`), two config files where c12 takes one (in the root, or in a preset's dir),
 * a package.json that is not JSON (the default `name` and `version` and the `perf` key come from
 * it: it was read as if it were empty), or one whose `perf` is not an object.
 */
import { readFileSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { ConfigError, configIssue, type ConfigIssue } from '../errors.js'
import { configCandidates } from './config-candidates.js'

export async function checkConfigFiles(rootDir: string, configFile: string | undefined): Promise<void> {
  checkOneConfigFile(rootDir, configFile)
  if (statSync(join(rootDir, '.perfrc'), { throwIfNoEntry: false })?.isDirectory()) throw directory(join(rootDir, '.perfrc'))
  await checkPackageJson(join(rootDir, 'package.json'))
}

/**
 * The config files c12 would look at in `dir` (the project's root, or a preset's dir an `extends`
 * names: `'./presets'`, a package without an entry): c12 takes the first and steps over a
 * directory. A directory first, or two files, is a config error. c12 never reads the second: an
 * edit of perf.config.ts beside a perf.config.js (tsc's output of it, when its tsconfig has no
 * "include" or "outDir") would change nothing, silently. `extendedBy`: the file and source that
 * extends a preset's dir, named in the message.
 */
export function checkOneConfigFile(dir: string, configFile: string | undefined, extendedBy?: { file: string; source: string }): void {
  // an extends source without an extension that is a file: no dir to look in (c12 finds no config there)
  if (!statSync(dir, { throwIfNoEntry: false })?.isDirectory()) return
  const files: string[] = []
  for (const candidate of configCandidates(dir, configFile)) {
    const stat = statSync(candidate, { throwIfNoEntry: false })
    if (!stat) continue
    if (stat.isDirectory()) {
      if (files.length === 0) throw directory(candidate)
      continue
    }
    files.push(candidate)
  }
  if (files.length > 1) throw twoConfigFiles(dir, files, extendedBy)
}

// --- internal ---

function directory(file: string): ConfigError {
  return fail({ ...configIssue(file, '(file)', 'a file', 'a directory'), message: `${file}: a directory, expected a file (unperf looks for its config there: rename or remove the directory)` })
}

function twoConfigFiles(dir: string, files: string[], extendedBy: { file: string; source: string } | undefined): ConfigError {
  const names = files.map(f => relative(dir, f))
  const [used, ...ignored] = names
  const list = (l: string[]) => l.length === 1 ? l[0] : `${l.slice(0, -1).join(', ')} and ${l.at(-1)}`
  const tsc = /\.[cm]?js$/.test(used!) && ignored.some(f => f === used!.replace(/js$/, 'ts'))
    ? ` (${used} beside ${used!.replace(/js$/, 'ts')} is often tsc's output of it: give tsconfig.json an "include" without it, or an "outDir")`
    : ''
  const by = extendedBy ? ` (extends '${extendedBy.source}' in ${extendedBy.file})` : ''
  return fail({
    ...configIssue(files[0]!, '(file)', 'one config file', names),
    message: `${dir}${by}: ${files.length === 2 ? 'two' : files.length} config files, ${list(names)}: unperf loads ${used} (the first in c12's order: .js, .ts, .mjs, .cjs, .mts, .cts, .json, ..., then .config/) and would never read ${list(ignored)}, so an edit there would change nothing; remove or rename ${ignored.length === 1 ? 'one' : 'all but one'}${tsc}`,
  })
}

const WHY = 'unperf reads its name and version, and its "perf" key as config'

async function checkPackageJson(file: string): Promise<void> {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EISDIR') throw directory(file)
    return // none (or unreadable: node and npm say so too)
  }
  // a byte order mark, as some Windows editors write it: npm reads past it, and so does unperf (project.ts)
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1)
  let pkg: unknown
  try {
    pkg = JSON.parse(text)
  } catch {
    const { jsonSyntaxError } = await import('./json-position.js')
    const at = jsonSyntaxError(text)!
    throw fail({ ...configIssue(file, '(file)', 'JSON', at.reason), line: at.line, column: at.column, message: `${file}:${at.line}:${at.column}: not valid JSON: ${at.reason} (${WHY})` })
  }
  if (pkg === null || typeof pkg !== 'object' || Array.isArray(pkg)) {
    throw fail({ ...configIssue(file, '(file)', 'a JSON object', pkg), message: `${file}: expected a JSON object ({ "name": ... }), got ${Array.isArray(pkg) ? 'an array' : JSON.stringify(pkg)} (${WHY})` })
  }
  // c12 drops a `perf` that is not an object (`"perf": 42`, `"perf": "./perf.config.mjs"`) without a word
  const perf = (pkg as { perf?: unknown }).perf
  if (perf !== undefined && (perf === null || typeof perf !== 'object' || Array.isArray(perf))) {
    const issue = configIssue(file, 'perf', 'an object (the config under package.json\'s "perf" key)', perf)
    const { jsonKeyPosition } = await import('./key-position.js')
    const at = jsonKeyPosition(text, ['perf'], perf)
    throw fail(at ? { ...issue, line: at.line, column: at.column, message: `${file}:${at.line}:${at.column}${issue.message.slice(file.length)}` } : issue)
  }
}

const fail = (issue: ConfigIssue) => new ConfigError([issue])
