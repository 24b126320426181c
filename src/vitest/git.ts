/**
 * The code a test run ran against: commit sha, and for a dirty working tree a hash of the
 * uncommitted changes, so "same commit" means "same code" when looking for result flips.
 */
import { createHash } from 'node:crypto'
import { execFile } from 'node:child_process'
import { statSync } from 'node:fs'
import { isAbsolute, join, relative } from 'node:path'

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
 * Never throws: a project without git (or without the git binary) just has no commit.
 * `exclude`: a directory left out of the changes (the reporter's own history dir: `tests.jsonl`
 * inside the project, untracked or committed, changes on every run and would make no two runs
 * "the same code").
 */
export async function probeCodeVersion(cwd: string, env: NodeJS.ProcessEnv = process.env, exclude?: string): Promise<CodeVersion> {
  const ci = !!env.CI && env.CI !== 'false' && env.CI !== '0'
  for (const name of COMMIT_ENV) {
    const sha = env[name]?.trim()
    // CI checkouts are clean: the tree is the commit
    if (sha && /^[0-9a-f]{7,64}$/i.test(sha)) return { commit: sha.toLowerCase(), ci: true }
  }
  const head = await git(cwd, ['rev-parse', 'HEAD'])
  const commit = head?.trim()
  if (!commit || !/^[0-9a-f]{7,64}$/.test(commit)) return ci ? { ci } : {}
  const rel = exclude === undefined ? '' : relative(cwd, exclude)
  const inside = rel !== '' && !rel.startsWith('..') && !isAbsolute(rel)
  const [diff, untracked] = await Promise.all([
    git(cwd, ['diff', 'HEAD', '--no-ext-diff', '--no-color', '--binary', ...(inside ? ['--', ':/', `:(exclude)${rel}`] : [])]),
    git(cwd, ['ls-files', '--others', '--exclude-standard', '-z', ...(inside ? ['--', '.', `:(exclude)${rel}`] : [])]),
  ])
  // state unknown: marked dirty without a tree hash, so no other run counts as the same code
  if (diff === undefined || untracked === undefined) return { commit, dirty: true, ...(ci && { ci }) }
  if (diff === '' && untracked === '') return { commit, dirty: false, ...(ci && { ci }) }
  // untracked files enter the hash by size and mtime: reading them all could be slow
  const hash = createHash('sha256').update(diff)
  for (const file of untracked.split('\0')) {
    if (!file) continue
    try {
      const s = statSync(join(cwd, file))
      hash.update(`\0${file}\0${s.size}\0${s.mtimeMs}`)
    } catch { /* removed meanwhile */ }
  }
  return { commit, dirty: true, tree: hash.digest('hex').slice(0, 16), ...(ci && { ci }) }
}

// --- internal ---

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
