/**
 * A shared cache home (XDG_CACHE_HOME=/tmp/x, mode 1777) where someone else planted unperf's cache
 * root as a symlink to a dir of the user's (`/tmp/x/acme -> ~/projects/notes`): the stat of the root
 * sees the user's own 0700 dir and passed, so the cache, its scope pruning and the reports went
 * into that dir wherever the kernel follows such links (fs.protected_symlinks=0, as in many
 * containers), and the link's owner could re-point it at any time. A symlink another user owns (not
 * root) is refused as the dir itself would be.
 */
import { chmodSync, lchownSync, mkdirSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs'
import { createRequire, syncBuiltinESMExports } from 'node:module'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { buildManager } from '../cache/_config.js'
import { dirUnsafeSync } from '../../src/drivers/fs-safety.js'
import { setFileHashMemoDir } from '../../src/runtime/cache/file-hash.js'
import { tempDir } from '../helpers/tmp.js'

describe.skipIf(process.getuid?.() !== 0)('a cache root planted as another user\'s symlink', () => {
  it('is refused by the cache tiers and the report dir check; nothing is written where it leads', async () => {
    const shared = tempDir('unperf-shared-home-')
    chmodSync(shared, 0o1777)
    const target = tempDir('unperf-link-target-')
    chmodSync(target, 0o700)
    const root = join(shared, 'acme')
    symlinkSync(target, root)
    lchownSync(root, 65534, 65534)
    const cwd = tempDir('unperf-cwd-')
    writeFileSync(join(cwd, 'input.txt'), 'x')
    const { m, cache, warnings } = buildManager({ driver: 'fs', dir: root, cwd })
    await cache.set('k', 'v')
    expect(await cache.get('k')).toBeNull()
    // wrap({ files }) keeps a memo of file hashes in <cache dir>/file-hash (createPerf sets it so)
    setFileHashMemoDir(join(root, 'file-hash'))
    try {
      expect(await cache.wrap('w', async () => 1, { files: ['input.txt'] })).toBe(1)
    } finally {
      setFileHashMemoDir(undefined)
    }
    await m.close()
    expect(warnings.join('\n')).toMatch(/symlink owned by uid 65534/)
    expect(readdirSync(target, { recursive: true }).join(' ')).toBe('')
    expect(dirUnsafeSync([join(root, 'reports', 'p'), join(root, 'reports'), root])).toMatch(/acme: it is a symlink owned by uid 65534/)

    // the user's own link (or root's) is theirs to place
    const own = join(tempDir('unperf-own-home-'), 'acme')
    mkdirSync(join(target, 'own'), { mode: 0o700 })
    symlinkSync(join(target, 'own'), own)
    const mine = buildManager({ driver: 'fs', dir: own, cwd: tempDir('unperf-cwd-') })
    await mine.cache.set('k', 'v')
    expect(await mine.cache.get('k')).toBe('v')
    await mine.m.close()
    expect(mine.warnings).toEqual([])
  })
})

describe('the check for a foreign symlink', () => {
  // the report dirs are checked on every run's exit (the start path's bundle): the check for a link
  // must not cost a call more per dir where there is no link (it was a stat, then an lstat)
  it('costs no call more per dir that is no symlink: one lstat each', () => {
    const base = tempDir('unperf-dir-check-')
    const dirs = [join(base, 'reports', 'p'), join(base, 'reports'), base]
    mkdirSync(dirs[0]!, { recursive: true, mode: 0o700 })
    const cjs = createRequire(import.meta.url)('node:fs') as { statSync: typeof import('node:fs').statSync; lstatSync: typeof import('node:fs').lstatSync }
    const { statSync, lstatSync } = cjs
    const calls: string[] = []
    // counted through the builtin's ESM exports as src imports them (restored before anything else runs)
    cjs.statSync = ((...a: Parameters<typeof statSync>) => { calls.push('stat'); return statSync(...a) }) as typeof statSync
    cjs.lstatSync = ((...a: Parameters<typeof lstatSync>) => { calls.push('lstat'); return lstatSync(...a) }) as typeof lstatSync
    syncBuiltinESMExports()
    let unsafe: string | undefined
    try {
      unsafe = dirUnsafeSync(dirs)
    } finally {
      cjs.statSync = statSync
      cjs.lstatSync = lstatSync
      syncBuiltinESMExports()
    }
    expect(unsafe).toBeUndefined()
    expect(calls).toEqual(['lstat', 'lstat', 'lstat'])
  })
})
