/**
 * Where things live: the platform cache dir and the project id that scopes entries and reports.
 * Synchronous and cheap (a few small file reads): it runs at config resolution.
 */
import { createHash } from 'node:crypto'
import { readFileSync, realpathSync } from 'node:fs'
import { homedir } from 'node:os'
import { dirname, join, resolve } from 'node:path'

/** `XDG_CACHE_HOME` or `~/.cache` (Linux), `~/Library/Caches` (macOS), `%LOCALAPPDATA%` (Windows), + name. */
export function platformCacheDir(name: string): string {
  const env = process.env
  let base: string
  if (env.XDG_CACHE_HOME) base = env.XDG_CACHE_HOME
  else if (process.platform === 'darwin') base = join(homedir(), 'Library', 'Caches')
  else if (process.platform === 'win32') base = env.LOCALAPPDATA || join(homedir(), 'AppData', 'Local')
  else base = join(homedir(), '.cache')
  return join(base, safeDirName(name))
}

/** A name usable as one path segment: scoped package names `@a/b` → `a-b`. */
export function safeDirName(name: string): string {
  const cleaned = name.replace(/^@/, '').replace(/[^a-zA-Z0-9._-]+/g, '-').replace(/^\.+/, '')
  return cleaned || 'unperf'
}

export function shortHash(input: string, length = 16): string {
  return createHash('sha256').update(input).digest('hex').slice(0, length)
}

function readText(file: string): string | undefined {
  try { return readFileSync(file, 'utf8') } catch { return undefined }
}

/** The nearest `.git/config` remote url above `dir`, if any (credentials stripped). */
export function gitRemote(dir: string): string | undefined {
  let current = resolve(dir)
  for (let i = 0; i < 50; i++) {
    const text = readText(join(current, '.git', 'config'))
    if (text !== undefined) {
      const m = /\[remote "origin"\][^[]*?url\s*=\s*(\S+)/.exec(text) ?? /\[remote "[^"]+"\][^[]*?url\s*=\s*(\S+)/.exec(text)
      return m ? m[1]!.replace(/\/\/[^@/]+@/, '//') : undefined
    }
    const parent = dirname(current)
    if (parent === current) return undefined
    current = parent
  }
  return undefined
}

/**
 * The project id: a hash of the project's package name and git remote if any, else of its real path.
 * One project on many CI machines gets one id; two projects on one laptop never share.
 */
export function projectId(cwd: string, override?: string): string {
  if (override) return safeDirName(override)
  let pkgName: string | undefined
  const pkg = readText(join(cwd, 'package.json'))
  if (pkg) { try { pkgName = (JSON.parse(pkg) as { name?: string }).name } catch { /* ignore */ } }
  const remote = gitRemote(cwd)
  if (remote) return shortHash(`${pkgName ?? ''}\0${remote}`)
  let real = cwd
  try { real = realpathSync(cwd) } catch { /* keep */ }
  return shortHash(`${pkgName ?? ''}\0${real}`)
}
