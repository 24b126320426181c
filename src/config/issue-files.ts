/**
 * The file of every issue of a ConfigError said one way: relative to rootDir in `file` and the
 * message (`perf.config.ts:2:1: …`), as the key-level issues already named it (layers.ts layerName),
 * and the absolute path in `filePath` (an editor's link, a tool's open()). A config that failed to
 * load (a syntax error, a broken package.json or .perfrc) named its file by its absolute path, a bad
 * value by the relative one. A file outside rootDir (an `extends` preset elsewhere) keeps its absolute
 * path in both. Error paths only (imported lazily by load.ts).
 */
import { statSync } from 'node:fs'
import { isAbsolute, join, relative, resolve, sep } from 'node:path'
import { ConfigError, type ConfigIssue } from '../errors.js'
import { withKeyPositions } from './issue-positions.js'

export async function withIssueFiles(error: ConfigError, rootDir: string): Promise<ConfigError> {
  // and where each key is written, for the issues no layer placed (issue-positions.ts)
  const issues = (await withKeyPositions(error.issues, rootDir)).map(issue => issueWithFile(issue, rootDir))
  const { message } = new ConfigError(issues)
  if (error.stack) error.stack = error.stack.replace(error.message, message)
  error.message = message
  error.issues = issues
  error.file = issues[0]?.file ?? ''
  return error
}

function issueWithFile(issue: ConfigIssue, rootDir: string): ConfigIssue {
  if (issue.filePath !== undefined) return issue
  if (isAbsolute(issue.file)) {
    const rel = relative(rootDir, issue.file)
    const file = rel !== '' && !rel.startsWith('..') && !isAbsolute(rel) ? rel : issue.file
    const message = issue.message.startsWith(issue.file) ? file + issue.message.slice(issue.file.length) : issue.message
    return { ...issue, file, filePath: issue.file, message }
  }
  // a name that is no file ('createPerf({ overrides })', 'defaults', 'package.json#perf'), or a file of rootDir
  const path = resolve(rootDir, issue.file.replace(/#.*$/, ''))
  return isFile(path) && (path + sep).startsWith(join(rootDir, sep)) ? { ...issue, filePath: path } : issue
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile()
  } catch {
    return false
  }
}
