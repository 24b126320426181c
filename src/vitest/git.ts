/**
 * The code a test run ran against: commit sha, and for a dirty working tree a hash of the
 * uncommitted changes, so "same commit" means "same code" when looking for result flips.
 */
import { createHash } from 'node:crypto'
import { execFile } from 'node:child_process'
import { statSync } from 'node:fs'
import { isAbsolute, join, relative } from 'node:path'
import { insideWindow, type RunWindow } from './run-windows.js'

export interface CodeVersion {
  commit?: string
  dirty?: boolean
  tree?: string
  ci?: boolean
}

/** CI variables holding the commit under test, most common first. */
const COMMIT_ENV = [
  'GITHUB_SHA', 'CI_COMMIT_SHA', 'BUILDKITE_COMMIT', 'CIRCLE_SHA1', 'TRAVIS_COMMIT', 'BITBUCKET_COMMIT',
  'DRONE_COMMIT_SHA', 'SEMAPHORE_GIT_SHA', 'APPVEYOR_REPO_COMMIT', 'BUILD_SOURCEVERSION', 'GIT_COMMIT', 'VERCEL_GIT_COMMIT_SHA',
]

/**
 * What git says at the start of a run: the commit and, for a dirty tree, the changes (hashed by
 * {@link codeVersion} once the run is over, leaving out the files the run itself wrote).
 */
export interface CodeProbe extends CodeVersion {
  changes?: {
    /** `git diff HEAD`, one [absolute path, patch] per changed tracked file; one ['', patch] when it could not be split. */
    tracked: Array<[path: string, patch: string]>
    /** Untracked, not ignored files (relative to cwd). */
    untracked: string[]
  }
}

/**
 * Never throws: a project without git (or without the git binary) just has no commit.
 * `exclude`: a directory left out of the changes (the reporter's own history dir: `tests.jsonl`
 * inside the project, untracked or committed, changes on every run and would make no two runs
 * "the same code"). `writtenSince`: see {@link codeVersion}.
 */
export async function probeCodeVersion(cwd: string, env: NodeJS.ProcessEnv = process.env, exclude?: string, writtenSince?: number): Promise<CodeVersion> {
  return codeVersion(await probeCode(cwd, env, exclude), cwd, writtenSince)
}

/** The git half of {@link probeCodeVersion}, run at the start of a test run (in the background). */
export async function probeCode(cwd: string, env: NodeJS.ProcessEnv = process.env, exclude?: string): Promise<CodeProbe> {
  const ci = !!env.CI && env.CI !== 'false' && env.CI !== '0'
  for (const name of COMMIT_ENV) {
    const sha = env[name]?.trim()
    // CI checkouts are clean: the tree is the commit
    if (sha && /^[0-9a-f]{7,64}$/i.test(sha)) return { commit: sha.toLowerCase(), ci: true }
  }
  const [top, head] = (await git(cwd, ['rev-parse', '--show-toplevel', 'HEAD']))?.trim().split('\n') ?? []
  const commit = head?.trim()
  if (!top || !commit || !/^[0-9a-f]{7,64}$/.test(commit)) return ci ? { ci } : {}
  const rel = exclude === undefined ? '' : relative(cwd, exclude)
  const inside = rel !== '' && !rel.startsWith('..') && !isAbsolute(rel)
  const tracked = inside ? ['--', ':/', `:(exclude)${rel}`] : []
  const [diff, names, untracked] = await Promise.all([
    git(cwd, ['diff', 'HEAD', '--no-ext-diff', '--no-color', '--no-renames', '--binary', ...tracked]),
    // the paths (from the top of the repo), in the diff's order, to tell each file's patch
    git(cwd, ['diff', 'HEAD', '--name-only', '--no-renames', '-z', ...tracked]),
    git(cwd, ['ls-files', '--others', '--exclude-standard', '-z', ...(inside ? ['--', '.', `:(exclude)${rel}`] : [])]),
  ])
  // state unknown: marked dirty without a tree hash, so no other run counts as the same code
  if (diff === undefined || untracked === undefined) return { commit, dirty: true, ...(ci && { ci }) }
  if (diff === '' && untracked === '') return { commit, dirty: false, ...(ci && { ci }) }
  return { commit, dirty: true, ...(ci && { ci }), changes: { tracked: patches(diff, names, top), untracked: untracked.split('\0').filter(f => f !== '') } }
}

/**
 * The code a run ran against, from the probe taken at its start: for a dirty tree, a hash of the
 * changes (tracked files by their patch, untracked ones by size and mtime: reading them all could
 * be slow). A file modified (or removed) since `writtenSince`, the run's start, was written by the
 * run itself (a counter, a fixture output, a log the tests write inside the project): it is left
 * out, or every run would be "different code" and no flip across runs ever found. So is a file
 * last modified while an earlier recorded run was going (`earlierRuns`: a fixture a test writes the
 * first time and reuses after), or the run that created it and the next would never compare. When
 * nothing else changed, the tree is the commit's.
 */
export function codeVersion(probe: CodeProbe, cwd: string, writtenSince?: number, earlierRuns: readonly RunWindow[] = []): CodeVersion {
  const { changes, ...version } = probe
  if (!changes) return version
  const byRun = (mtimeMs: number): boolean => (writtenSince !== undefined && mtimeMs >= writtenSince) || insideWindow(earlierRuns, mtimeMs)
  const writtenByRun = (path: string): boolean => {
    try {
      return byRun(statSync(path).mtimeMs)
    } catch {
      return writtenSince !== undefined // removed meanwhile
    }
  }
  const hash = createHash('sha256')
  let changed = false
  for (const [file, patch] of changes.tracked) {
    // deleted before the run (the user's change, as `git diff` said at the start): it counts
    if (file !== '' && !DELETED.test(patch.slice(0, 1000)) && writtenByRun(file)) continue
    hash.update(patch)
    changed = true
  }
  for (const file of changes.untracked) {
    let s
    try {
      s = statSync(join(cwd, file))
    } catch {
      continue // removed meanwhile
    }
    if (byRun(s.mtimeMs)) continue
    hash.update(`\0${file}\0${s.size}\0${s.mtimeMs}`)
    changed = true
  }
  if (!changed) return { ...version, dirty: false }
  return { ...version, dirty: true, tree: hash.digest('hex').slice(0, 16) }
}

// --- internal ---

/** The header line of a file's patch that deletes it. */
const DELETED = /^deleted file mode /m

/**
 * `git diff` output cut into each file's patch (each starts with `diff --git `), paired with the
 * `--name-only` list (same order); one unsplit patch when they do not pair up.
 */
function patches(diff: string, names: string | undefined, top: string): Array<[string, string]> {
  if (diff === '') return []
  const parts = diff.split(/^(?=diff --git )/m)
  const files = (names ?? '').split('\0').filter(f => f !== '')
  if (parts.length !== files.length) return [['', diff]]
  return parts.map((patch, i) => [join(top, files[i]!), patch])
}

function git(cwd: string, args: string[]): Promise<string | undefined> {
  return new Promise((resolve) => {
    try {
      execFile('git', args, { cwd, timeout: 10_000, maxBuffer: 256 * 1024 * 1024, encoding: 'utf8', windowsHide: true },
        (error, stdout) => resolve(error ? undefined : stdout))
    } catch {
      resolve(undefined)
    }
  })
}
