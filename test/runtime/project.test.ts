/** The project id that scopes cache entries and reports: one project on many machines, never two projects. */
import { mkdirSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { gitEntriesAbove, gitRemote, packageInfo, platformCacheDir, projectId, remoteIdentity, safeDirName, safeDirNameOn } from '../../src/runtime/project.js'
import { realPath } from '../../src/runtime/real-path.js'
import { tempDir } from '../helpers/tmp.js'

function checkout(remote: string | undefined, name = 'same-cli'): string {
  const dir = tempDir('unperf-project-')
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name, version: '2.0.0' }))
  mkdirSync(join(dir, '.git'))
  writeFileSync(join(dir, '.git', 'config'), remote ? `[core]\n\tbare = false\n[remote "origin"]\n\turl = ${remote}\n\tfetch = +refs/heads/*:refs/remotes/origin/*\n` : '[core]\n')
  return dir
}

describe('project id', () => {
  it('is the same for two checkouts of one repository (CI machines share a Redis scope), different for another repository', () => {
    const a = checkout('https://github.com/acme/cli.git')
    const b = checkout('https://github.com/acme/cli.git')
    const other = checkout('https://github.com/acme/other.git')
    expect(projectId(a)).toBe(projectId(b))
    expect(projectId(a)).not.toBe(projectId(other))
    expect(projectId(a)).toMatch(/^[0-9a-f]{16}$/)
  })

  it('without a remote, is the real path: two projects on one laptop never share', () => {
    const a = checkout(undefined)
    const b = checkout(undefined)
    expect(projectId(a)).not.toBe(projectId(b))
    expect(projectId(a, 'my-scope')).toBe('my-scope')
    expect(projectId(a, 'my scope')).toMatch(/^my-scope~[0-9a-f]{8}$/) // distinct from 'my-scope'
  })

  it('one repository cloned over ssh, https with or without .git, or by another spelling of its host: one project id', () => {
    const forms = [
      'git@github.com:acme/fleet-app.git', 'https://github.com/acme/fleet-app.git', 'https://github.com/acme/fleet-app',
      'ssh://git@github.com/acme/fleet-app.git', 'ssh://git@GitHub.com:22/acme/fleet-app.git/', 'git://github.com/acme/fleet-app',
      'https://x-access-token:abc@github.com/acme/fleet-app', 'github.com:acme/fleet-app.git/',
    ]
    expect(new Set(forms.map(remoteIdentity))).toEqual(new Set(['github.com/acme/fleet-app']))
    const ids = new Set(forms.map(url => projectId(checkout(url, '@acme/fleet-app'))))
    expect(ids.size).toBe(1)
    // another repository, another owner, another host, a path's case, a local path: other ids
    for (const other of ['git@github.com:acme/fleet-api.git', 'https://github.com/other/fleet-app', 'https://gitlab.com/acme/fleet-app', 'https://github.com/acme/Fleet-App', '/srv/git/fleet-app.git']) {
      expect(ids.has(projectId(checkout(other, '@acme/fleet-app'))), other).toBe(false)
    }
    expect(remoteIdentity('file:///srv/git/fleet-app.git')).toBe('/srv/git/fleet-app')
    expect(remoteIdentity('/srv/git/fleet-app.git/')).toBe('/srv/git/fleet-app')
    expect(remoteIdentity('C:\\repos\\fleet-app.git')).toBe('C:\\repos\\fleet-app')
  })

  it('never keeps credentials of the remote url', () => {
    const dir = checkout('https://user:s3cret@git.example.com/acme/cli.git')
    expect(gitRemote(dir)).toBe('https://git.example.com/acme/cli.git')
  })

  it('finds the repository from a subdir, and skips a worktree .git file', () => {
    const repo = checkout('git@github.com:acme/cli.git')
    const sub = join(repo, 'packages', 'x')
    mkdirSync(sub, { recursive: true })
    expect(gitRemote(sub)).toBe('git@github.com:acme/cli.git')
    const worktree = join(repo, 'wt')
    mkdirSync(worktree)
    writeFileSync(join(worktree, '.git'), 'gitdir: /elsewhere/.git/worktrees/wt\n')
    expect([...gitEntriesAbove(worktree)].map(g => g.isFile)).toEqual([true, false, ...[...gitEntriesAbove(repo)].slice(1).map(g => g.isFile)])
    expect(gitRemote(worktree)).toBe('git@github.com:acme/cli.git')
  })

  it('reads name and version of package.json, nothing from a missing or broken one', () => {
    const dir = checkout(undefined, '@acme/cli')
    expect(packageInfo(dir)).toEqual({ name: '@acme/cli', version: '2.0.0' })
    writeFileSync(join(dir, 'package.json'), '{ not json')
    expect(packageInfo(dir)).toEqual({})
    expect(packageInfo(join(dir, 'nowhere'))).toEqual({})
  })
})

describe('cache dir names', () => {
  it('keep a plain package name, and give distinct names distinct dirs', () => {
    expect(safeDirName('acme-cli')).toBe('acme-cli')
    expect(safeDirName('1.4.0')).toBe('1.4.0')
    const names = ['acme-cli', '@acme/cli', '@a/b-c', '@a-b/c', 'Acme-CLI', 'acme cli', '.', '..', '', 'unperf', 'ünï', '../x', 'a/b', 'a:b', 'a_b']
    const dirs = names.map(safeDirName)
    expect(new Set(dirs).size).toBe(names.length)
    // case-insensitive file systems (macOS, Windows): no two differ only in case
    expect(new Set(dirs.map(d => d.toLowerCase())).size).toBe(names.length)
    for (const dir of dirs) {
      expect(dir).toMatch(/^[a-z0-9][a-z0-9._+~-]*$/)
      expect(dir.length).toBeLessThanOrEqual(80)
    }
    expect(safeDirName('@acme/cli')).toBe('acme+cli')
  })

  // Windows: a device name (the part before the first dot) or a last dot or space makes a dir
  // Explorer cannot remove (node makes it through a \\?\ path)
  const windowsUnsafe = /^(con|prn|aux|nul|com\d|lpt\d)(\..*)?$|[. ]$/i
  const unsafeNames = ['con', 'nul', 'aux', 'prn', 'com1', 'lpt9', 'aux.txt', 'nul.cli.js', 'com1.x', 'foo.', '@acme/cli.', 'CON', 'con.x y', 'Nul.Tar.gz', 'a'.repeat(99) + '.', 'con.' + 'x'.repeat(96)]

  it('on Windows, never a device name nor a last dot: such names become _<name>~<hash>, distinct, within 73 characters', () => {
    const dirs = unsafeNames.map(name => safeDirNameOn(name, 'win32'))
    for (const dir of dirs) {
      expect(dir).not.toMatch(windowsUnsafe)
      expect(dir.length).toBeLessThanOrEqual(73)
    }
    expect(safeDirNameOn('con', 'win32')).toMatch(/^_con~[0-9a-f]{8}$/)
    expect(safeDirNameOn('aux.txt', 'win32')).toMatch(/^_aux\.txt~[0-9a-f]{8}$/)
    expect(safeDirNameOn('foo.', 'win32')).toMatch(/^_foo\.~[0-9a-f]{8}$/)
    // distinct from each other, from the names they came from and from their neighbours, whatever the case
    const neighbours = ['_con', 'con-', 'console', 'nullish', 'com10', 'lpt', 'auxiliary', 'foo', 'acme+cli', 'acme-cli', 'con~x']
    const all = [...dirs, ...neighbours.map(name => safeDirNameOn(name, 'win32'))]
    expect(new Set(all.map(d => d.toLowerCase())).size).toBe(all.length)
    // names Windows accepts are as on every platform
    for (const name of neighbours) expect(safeDirNameOn(name, 'win32')).toBe(safeDirNameOn(name, 'linux'))
  })

  it('elsewhere those names are dirs as before (a CLI named aux keeps its cache, reports and scope id)', () => {
    for (const platform of ['linux', 'darwin'] as const) {
      expect(safeDirNameOn('con', platform)).toBe('con')
      expect(safeDirNameOn('aux.txt', platform)).toBe('aux.txt')
      expect(safeDirNameOn('foo.', platform)).toBe('foo.')
      expect(safeDirNameOn('@acme/cli.', platform)).toBe('acme+cli.')
      for (const name of unsafeNames) expect(safeDirNameOn(name, platform)).toBe(safeDirName(name))
    }
  })

  it('stay one segment under the platform cache dir', () => {
    const saved = process.env.XDG_CACHE_HOME
    process.env.XDG_CACHE_HOME = '/tmp/xdg-names'
    try {
      for (const name of ['..', '../../etc', '/abs', 'a/../../b']) expect(platformCacheDir(name)).toMatch(/^\/tmp\/xdg-names\/[^/]+$/)
    } finally {
      if (saved === undefined) delete process.env.XDG_CACHE_HOME
      else process.env.XDG_CACHE_HOME = saved
    }
  })
})

describe('realPath (the host entry and the project dir on the start path)', () => {
  it("is fs.realpathSync's answer through symlinked dirs and files, and its error for a missing path", () => {
    const dir = tempDir('unperf-real-path-')
    mkdirSync(join(dir, 'real', 'sub'), { recursive: true })
    writeFileSync(join(dir, 'real', 'sub', 'cli.mjs'), '')
    symlinkSync(join(dir, 'real'), join(dir, 'link'))
    symlinkSync(join(dir, 'link', 'sub', 'cli.mjs'), join(dir, 'entry.mjs'))
    for (const path of [join(dir, 'link', 'sub'), join(dir, 'entry.mjs'), join(dir, 'link', 'sub', '..', 'sub', 'cli.mjs')]) {
      expect(realPath(path)).toBe(realpathSync(path))
    }
    expect(realPath(join(dir, 'entry.mjs'))).toBe(join(realpathSync(dir), 'real', 'sub', 'cli.mjs'))
    expect(() => realPath(join(dir, 'missing'))).toThrow(expect.objectContaining({ code: 'ENOENT' }))
  })
})
