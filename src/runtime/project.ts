/**
 * Where things live: the platform cache dir and the project id that scopes entries and reports.
 * Synchronous and cheap (a few small file reads): it runs at config resolution.
 */
import { readFileSync, statSync } from 'node:fs'
import { homedir, tmpdir } from 'node:os'
import { dirname, isAbsolute, join, resolve, sep } from 'node:path'
import { realPath } from './real-path.js'
import { WINDOWS_DEVICE_NAME } from './windows-names.js'

/**
 * The dirs whose safety decides whether report.dir is written to or read from (fs-safety.ts
 * dirUnsafeSync): the report dir, and when it is the default one (`<cache root>/reports/<project>`)
 * its parents up to the cache root, as the fs tiers check theirs.
 */
export function reportDirs(config: { name: string; report: { dir: string } }): string[] {
  const dir = config.report.dir
  const root = platformCacheDir(config.name)
  return dir.startsWith(join(root, 'reports') + sep) ? [dir, dirname(dir), root] : [dir]
}

/**
 * `XDG_CACHE_HOME` or `~/.cache` (Linux), `~/Library/Caches` (macOS), `%LOCALAPPDATA%` (Windows), + name.
 * A relative `XDG_CACHE_HOME` is ignored, as the XDG spec says (taken as it is, it put the cache in
 * whatever dir the CLI ran in). With no home at all (HOME unset and a uid without a passwd entry: a
 * container's `--user 12345`, where os.homedir() throws): `<tmpdir>/<name>-cache-<uid>`, a direct
 * child of the sticky tmp dir, which the dir-safety checks refuse when another user made it first.
 */
export function platformCacheDir(name: string): string {
  const env = process.env
  const dir = safeDirName(name)
  if (env.XDG_CACHE_HOME && isAbsolute(env.XDG_CACHE_HOME)) return join(env.XDG_CACHE_HOME, dir)
  if (process.platform === 'win32' && env.LOCALAPPDATA) return join(env.LOCALAPPDATA, dir)
  const home = homeDir()
  if (!home) return join(tmpdir(), `${dir}-cache-${process.getuid?.() ?? 'user'}`)
  if (process.platform === 'darwin') return join(home, 'Library', 'Caches', dir)
  return join(home, process.platform === 'win32' ? join('AppData', 'Local') : '.cache', dir)
}

/** The user's home: $HOME (%USERPROFILE%) first, as os.homedir() does itself, else the passwd entry; none: undefined. */
export function homeDir(): string | undefined {
  return (process.platform === 'win32' ? process.env.USERPROFILE : process.env.HOME) || userHome()
}

function userHome(): string | undefined {
  try { return homedir() } catch { return undefined }
}

// lowercase, as npm names are: names differing only in case must not share a dir where the file
// system ignores case (macOS, Windows)
const PLAIN_NAME = /^[a-z0-9][a-z0-9._-]*$/
const SCOPED_NAME = /^@([a-z0-9][a-z0-9._-]*)\/([a-z0-9][a-z0-9._-]*)$/
// a device name (windows-names.ts), or a last dot or space that Windows drops: node makes such a
// dir (its `\\?\` paths), which Explorer cannot remove
const windowsUnsafe = (dir: string) => WINDOWS_DEVICE_NAME.test(dir) || /[. ]$/.test(dir)

/**
 * A name as one path segment, distinct for distinct names: a plain package name stays as it is,
 * a scoped one `@acme/cli` becomes `acme+cli` (`+` is in no npm name, so it cannot meet
 * `acme-cli`), anything else (spaces, `..`, unicode, empty) its cleaned form plus a hash of the name.
 * Over 100 characters too (at most 73 then): the scope dir `s_<version>_<scope>_…` joins two of
 * them, and past 255 bytes a dir name is ENAMETOOLONG (the cache went off, no report written).
 * On Windows a name Windows reserves (windowsUnsafe) becomes `_<name>~<hash>` (at most 73 too).
 */
export function safeDirName(name: string): string {
  return safeDirNameOn(name, process.platform)
}

/** safeDirName as it is on `platform`. */
export function safeDirNameOn(name: string, platform: NodeJS.Platform): string {
  const dir = portableDirName(name)
  // only on Windows: elsewhere these are dirs users have (a CLI named `aux`, a `cache.scope` of `con`)
  // and their cache, reports and Redis scope id stay where they are. `_` starts no other form
  return platform === 'win32' && windowsUnsafe(dir) ? `_${dir.slice(0, 63)}~${shortHash(name, 8)}` : dir
}

function portableDirName(name: string): string {
  if (name.length <= 100) {
    if (PLAIN_NAME.test(name)) return name
    const scoped = SCOPED_NAME.exec(name)
    if (scoped) return `${scoped[1]}+${scoped[2]}`
  }
  const cleaned = name.toLowerCase().replace(/[^a-z0-9._-]+/g, '-').replace(/^[.-]+/, '').slice(0, 64)
  return `${cleaned || 'name'}~${shortHash(name, 8)}`
}

/**
 * A 64-bit non-cryptographic hash (two 32-bit FNV-1a/murmur-mixed lanes) as hex. Used for ids
 * (project, snapshot names) on the start path, where loading node:crypto would cost milliseconds.
 */
export function shortHash(input: string, length = 16): string {
  let h1 = 0x811c9dc5 ^ input.length
  let h2 = 0x9747b28c
  for (let i = 0; i < input.length; i++) {
    const c = input.charCodeAt(i)
    h1 = Math.imul(h1 ^ c, 0x01000193)
    h2 = Math.imul(h2 ^ c, 0x5bd1e995)
    h2 ^= h2 >>> 13
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 0x85ebca6b)
  h1 = Math.imul(h1 ^ (h1 >>> 13), 0xc2b2ae35)
  h2 = Math.imul(h2 ^ (h2 >>> 15), 0x27d4eb2d)
  const hex = (h1 >>> 0).toString(16).padStart(8, '0') + (h2 >>> 0).toString(16).padStart(8, '0')
  return hex.slice(0, length)
}

/**
 * The project a command started in `start` (the process's cwd) works on: the nearest dir at or above
 * it holding a package.json, so that a CLI run from `src/` has the project's cache scope, report dir
 * and perf.config. The walk stops at a repository's root (a dir with `.git`: the project, when no
 * package.json is below it) and never takes the home dir (a stray ~/package.json) from below it;
 * neither found: `start`. One stat at a project's root, two per level below it.
 */
export function projectDir(start: string): string {
  const home = process.env.HOME || process.env.USERPROFILE
  let dir = start
  for (let i = 0; i < 50; i++) {
    if (dir === home && dir !== start) break
    if (statSync(join(dir, 'package.json'), { throwIfNoEntry: false })?.isFile()) return dir
    if (statSync(join(dir, '.git'), { throwIfNoEntry: false })) return dir
    const parent = dirname(dir)
    if (parent === dir) break
    dir = parent
  }
  return start
}

function readText(file: string): string | undefined {
  try { return readFileSync(file, 'utf8') } catch { return undefined }
}

/**
 * The `.git` entries above `dir`, nearest first: a repository's dir, or a worktree's `.git` file.
 * Found with stats: a level without one costs no exception (a stack trace each, on every start).
 */
export function* gitEntriesAbove(dir: string): Generator<{ path: string; isFile: boolean }> {
  let current = resolve(dir)
  for (let i = 0; i < 50; i++) {
    const path = join(current, '.git')
    const st = statSync(path, { throwIfNoEntry: false })
    if (st) yield { path, isFile: st.isFile() }
    const parent = dirname(current)
    if (parent === current) return
    current = parent
  }
}

/** The nearest `.git/config` remote url above `dir`, if any (credentials stripped). */
export function gitRemote(dir: string): string | undefined {
  for (const git of gitEntriesAbove(dir)) {
    if (git.isFile) continue // a worktree's pointer file: its config is elsewhere
    const text = readText(join(git.path, 'config'))
    if (text === undefined) continue
    const m = /\[remote "origin"\][^[]*?url\s*=\s*(\S+)/.exec(text) ?? /\[remote "[^"]+"\][^[]*?url\s*=\s*(\S+)/.exec(text)
    return m ? m[1]!.replace(/\/\/[^@/]+@/, '//') : undefined
  }
  return undefined
}

/**
 * One repository's remote as one string whatever form the clone used: `git@github.com:acme/cli.git`
 * (a laptop over ssh), `https://github.com/acme/cli` (GitHub Actions' checkout) and
 * `ssh://git@GitHub.com:22/acme/cli.git/` are all `github.com/acme/cli`, so the machines of one
 * fleet share one scope. The scheme, user, port, a trailing `/` and `.git` are dropped and the host
 * lowercased (paths keep their case: only some hosts ignore it); a local path stays that path.
 */
export function remoteIdentity(url: string): string {
  const bare = (path: string) => path.replace(/\/+$/, '').replace(/\.git$/, '').replace(/\/+$/, '')
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(url)
  if (scheme) {
    const rest = url.slice(scheme[0].length)
    if (scheme[1]!.toLowerCase() === 'file') return bare(rest)
    const slash = rest.indexOf('/')
    const authority = slash === -1 ? rest : rest.slice(0, slash)
    const host = authority.replace(/^[^@]*@/, '').replace(/:\d*$/, '').toLowerCase()
    return host + bare(slash === -1 ? '' : rest.slice(slash))
  }
  // scp-like `[user@]host:path` (not a drive letter's `C:\`, not a local path with a slash before the colon)
  const scp = /^(?:[^@/:]+@)?([^/:\\]{2,}):(.*)$/.exec(url)
  if (scp) return `${scp[1]!.toLowerCase()}/${bare(scp[2]!.replace(/^\/+/, ''))}`
  return bare(url)
}

/** `name` and `version` of `dir/package.json` (empty when it is missing or not JSON). */
export function packageInfo(dir: string): { name?: string; version?: string } {
  const info: { name?: string; version?: string } = {}
  const text = readText(join(dir, 'package.json'))
  if (text !== undefined) {
    try {
      // past a byte order mark, as npm reads it (config/config-files.ts checks the file on a cold load)
      const pkg = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text) as { name?: unknown; version?: unknown }
      if (typeof pkg.name === 'string') info.name = pkg.name
      if (typeof pkg.version === 'string') info.version = pkg.version
    } catch { /* not JSON */ }
  }
  return info
}

/**
 * The project id: a hash of the project's package name and git remote if any (remoteIdentity: the
 * same for every form of the repository's url), else of its real path. One project on many CI
 * machines gets one id; two projects on one laptop never share.
 */
export function projectId(cwd: string, override?: string, cwdPackage?: { name?: string | undefined }): string {
  if (override) return safeDirName(override)
  // asked at startup (the report dir) and again by the cache's scope: worked out once per process
  let id = projectIds.get(cwd)
  if (id === undefined) projectIds.set(cwd, (id = computeProjectId(cwd, cwdPackage)))
  return id
}

const projectIds = new Map<string, string>()

/** `cwdPackage`: cwd's package.json as the caller read it just now (the config's rootDir is most often cwd): not read twice. */
function computeProjectId(cwd: string, cwdPackage?: { name?: string | undefined }): string {
  const pkgName = (cwdPackage ?? packageInfo(cwd)).name
  const remote = gitRemote(cwd)
  if (remote) return shortHash(`${pkgName ?? ''}\0${remoteIdentity(remote)}`)
  let real = cwd
  try { real = realPath(cwd) } catch { /* keep */ }
  return shortHash(`${pkgName ?? ''}\0${real}`)
}
