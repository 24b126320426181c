/**
 * The Resolver each key's resolver works with: units to numbers (a bad value becomes an issue and
 * a neutral number), relative paths to absolute ones, and the issues collected on the way.
 */
import { isAbsolute, join, resolve } from 'node:path'
import { homeDir } from '../runtime/project.js'
import { configIssue, type ConfigIssue } from '../errors.js'
import { parseDuration, parseSize } from './units.js'
import type { FileForPath } from './validate.js'

export interface ResolveContext {
  rootDir: string
  cwd: string
  env: string
  configFile: string | undefined
  /** name/version of the host package (rootDir/package.json). */
  hostName: string | undefined
  hostVersion: string | undefined
  fileFor: FileForPath
  /** cwd's package.json when the caller read it just now (cwd is rootDir): the project id does not read it again. */
  cwdPackage?: { name?: string | undefined } | undefined
}

export class Resolver {
  issues: ConfigIssue[] = []
  constructor(readonly ctx: ResolveContext) {}

  duration(value: unknown, path: string): number {
    const ms = parseDuration(value)
    if (ms === undefined) this.issue(path, "a duration like '10m' or a number of ms", value)
    return ms ?? 0
  }
  /** `falseDisables`: the key also takes false (then the message says so; it said it for keys that refuse false). */
  positiveDuration(value: unknown, path: string, falseDisables = false): number {
    const ms = this.duration(value, path)
    if (ms === 0 && parseDuration(value) !== undefined) this.issue(path, `a duration greater than 0${falseDisables ? ' (use false to disable)' : ''}`, value)
    return ms
  }
  ttl(value: unknown, path: string): number | false {
    if (value === false) return false
    if (parseDuration(value) === 0) {
      this.issue(path, "a duration greater than 0 (0 is ambiguous: use false for 'never expires')", value)
      return false
    }
    return this.duration(value, path)
  }
  size(value: unknown, path: string): number {
    const bytes = parseSize(value)
    if (bytes === undefined) this.issue(path, "a size like '50MB' or a number of bytes", value)
    return bytes ?? 0
  }
  sizeOrFalse(value: unknown, path: string): number | false {
    return value === false ? false : this.size(value, path)
  }
  stale(value: unknown, path: string): number | false {
    if (value === undefined || value === false) return false
    if (value === true) return Number.POSITIVE_INFINITY
    return this.duration(value, path)
  }
  issue(path: string, expected: string, found: unknown): void {
    this.issues.push(configIssue(this.ctx.fileFor(path), path, expected, found))
  }
  /** `p` absolute: relative to cwd, a leading `~` (as a shell reads it) the home dir, not a dir named '~' in cwd. */
  path(p: string, keyPath: string): string {
    if (p === '~' || p.startsWith('~/') || p.startsWith('~\\')) {
      const home = homeDir()
      if (home) return join(home, p.slice(1))
      this.issue(keyPath, "a path without '~' (there is no home dir: HOME is unset)", p)
    }
    return isAbsolute(p) ? p : resolve(this.ctx.cwd, p)
  }
}
