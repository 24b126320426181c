/**
 * Config issues with where their key is written: `perf.config.ts:14:5: cache.ttl: expected …`
 * (key-position.ts). The same on the cold and the warm path: looked up in the user's own file.
 * Error paths only (imported lazily).
 */
import { join, resolve } from 'node:path'
import type { ConfigIssue } from '../errors.js'
import { layerName, type RawLayer } from './layers.js'
import { pathKeys } from './path-keys.js'
import { keyPosition } from './key-position.js'
import { RC_KEY_HINT } from './rc-lines.js'

export async function withPositions(issues: ConfigIssue[], layers: RawLayer[], rootDir: string): Promise<ConfigIssue[]> {
  return Promise.all(issues.map(async issue => {
    // package.json#perf keeps its name (a `#` position is no editor's link); overrides have no file
    const layer = layers.find(l => l.file && l.source !== 'packageJson' && layerName(l, rootDir) === issue.file)
    if (!layer?.file || issue.line !== undefined || !issue.message.startsWith(`${issue.file}: `)) return issue
    const at = await keyPosition(layer.file, pathKeys(issue.path), issue.found).catch(() => undefined)
    if (!at) return issue
    // a .perfrc line whose key goes on below the problem: its dots nested keys the user may have meant as one ('a.b')
    const split = at.rcKey !== undefined && at.rcKey.replace(/\[\]$/, '').split('.').length > pathKeys(issue.path).length
    return { ...issue, line: at.line, column: at.column, message: `${issue.file}:${at.line}:${at.column}${issue.message.slice(issue.file.length)}${split ? ` (${RC_KEY_HINT})` : ''}` }
  }))
}

/**
 * The issues no layer placed (the cold load's: an `extends` that is missing, empty or makes a cycle, a
 * package that is not installed) with where their key is written in the file they name, as a bad
 * value's: `perf.config.ts:3:3: extends: …` (package.json's `perf` names the file alone, as for a
 * bad value there). Error paths only.
 */
export async function withKeyPositions(issues: ConfigIssue[], rootDir: string): Promise<ConfigIssue[]> {
  return Promise.all(issues.map(async issue => {
    const file = resolve(rootDir, issue.file)
    if (issue.line !== undefined || !issue.path || issue.path.startsWith('(') || !issue.message.startsWith(`${issue.file}: `) || file === join(rootDir, 'package.json')) return issue
    const at = await keyPosition(file, pathKeys(issue.path), issue.found).catch(() => undefined)
    return at ? { ...issue, line: at.line, column: at.column, message: `${issue.file}:${at.line}:${at.column}${issue.message.slice(issue.file.length)}` } : issue
  }))
}
