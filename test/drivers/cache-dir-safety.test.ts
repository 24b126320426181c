/**
 * The cache tiers' dir checks, answered at once (dirSafeSync): a tier's first read of a new
 * namespace (20 plugins: 20 of them at start) looks at its dir with one lstat, no promise, and
 * its two parents not again. What they refuse and accept is unchanged.
 */
import { chmodSync, mkdirSync, symlinkSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { checkDirSafe, dirSafeSync, refuseSymlinkedDir } from '../../src/drivers/cache-dir-safety.js'
import { FsTier } from '../../src/drivers/fs.js'
import { tempDir } from '../helpers/tmp.js'

const entry = (key: string, value: unknown) => ({ key, value, createdAt: Date.now(), expiresAt: null, staleFor: 0, size: 0 })
const ENCODE = { compress: false, integrity: true } as const

describe('dirSafeSync', () => {
  it('true for a 0700 dir of the user\'s; false for a missing one, looked at again once it is made', () => {
    const root = tempDir('unperf-dirsafe-')
    const dir = join(root, 'cache')
    expect(dirSafeSync(dir)).toBe(false)
    mkdirSync(dir, { mode: 0o700 })
    chmodSync(dir, 0o700)
    expect(dirSafeSync(dir)).toBe(true)
    // its lstat also found it no symlink: refuseSymlinkedDir has nothing to refuse
    expect(() => refuseSymlinkedDir(dir)).not.toThrow()
  })

  it('throws E_CACHE_DIR_UNSAFE for a dir its group can write to, on every call (a refusal is not remembered), as checkDirSafe rejects', async () => {
    const dir = join(tempDir('unperf-dirsafe-'), 'open')
    mkdirSync(dir)
    chmodSync(dir, 0o770)
    for (let i = 0; i < 2; i++) {
      expect(() => dirSafeSync(dir)).toThrow(expect.objectContaining({ code: 'E_CACHE_DIR_UNSAFE', message: expect.stringContaining(`refusing the cache dir ${dir}: it is writable by its group (mode 770)`) }))
    }
    await expect(checkDirSafe(dir)).rejects.toMatchObject({ code: 'E_CACHE_DIR_UNSAFE' })
    chmodSync(dir, 0o700)
    expect(dirSafeSync(dir)).toBe(true)
    await expect(checkDirSafe(dir)).resolves.toBe(true)
  })

  it('judges a symlink by its target (a cache root may be one), and refuseSymlinkedDir still refuses it where unperf makes its own dirs', () => {
    const root = tempDir('unperf-dirsafe-')
    const target = join(root, 'real')
    mkdirSync(target, { mode: 0o700 })
    chmodSync(target, 0o700)
    const link = join(root, 'link')
    symlinkSync(target, link)
    expect(dirSafeSync(link)).toBe(true)
    expect(() => refuseSymlinkedDir(link)).toThrow(/it is a symlink/)
  })
})

describe('an fs tier\'s dir checks', () => {
  it('a namespace dir planted as a symlink to a safe dir: every call refused, nothing read or written through it', async () => {
    const root = tempDir('unperf-dirsafe-tier-')
    const scope = join(root, 's_x')
    const elsewhere = join(root, 'elsewhere')
    for (const d of [scope, elsewhere]) { mkdirSync(d, { mode: 0o700 }); chmodSync(d, 0o700) }
    chmodSync(root, 0o700)
    await new FsTier(elsewhere, ENCODE).set(entry('k', 'not yours'))
    symlinkSync(elsewhere, join(scope, 'n-default'))
    const tier = new FsTier(join(scope, 'n-default'), ENCODE)
    await expect(tier.get('k')).rejects.toThrow(/it is a symlink/)
    await expect(tier.set(entry('k', 'mine'))).rejects.toThrow(/it is a symlink/)
    await expect(tier.keys()).rejects.toThrow(/it is a symlink/)
    expect(await tier.sweep(1e9, Date.now())).toEqual([])
    expect((await new FsTier(elsewhere, ENCODE).get('k'))?.value).toBe('not yours')
  })

  it('a refused scope dir: the tier\'s calls refused from then on (its refusal kept), a new tier over the fixed dir works', async () => {
    const root = tempDir('unperf-dirsafe-tier-')
    chmodSync(root, 0o700)
    const scope = join(root, 's_y')
    // open to its group before any tier of this process looked at it (a dir found safe is not looked at again)
    mkdirSync(scope)
    chmodSync(scope, 0o775)
    const tier = new FsTier(join(scope, 'n-a'), ENCODE)
    await expect(tier.get('k')).rejects.toMatchObject({ code: 'E_CACHE_DIR_UNSAFE', message: expect.stringContaining(`refusing the cache dir ${scope}:`) })
    chmodSync(scope, 0o700)
    await expect(tier.set(entry('k', 1))).rejects.toMatchObject({ code: 'E_CACHE_DIR_UNSAFE' })
    const fixed = new FsTier(join(scope, 'n-a'), ENCODE)
    await fixed.set(entry('k', 1))
    expect((await fixed.get('k'))?.value).toBe(1)
  })

  it('twenty namespaces of one scope: each reads its own entry (the parents looked at once, each new dir once)', async () => {
    const root = tempDir('unperf-dirsafe-tier-')
    chmodSync(root, 0o700)
    const scope = join(root, 's_z')
    const names = Array.from({ length: 20 }, (_, i) => `n-plugin+3ap${i}`)
    for (const n of names) await new FsTier(join(scope, n), ENCODE).set(entry('index', n))
    const values = await Promise.all(names.map(n => new FsTier(join(scope, n), ENCODE).get('index').then(e => e?.value)))
    expect(values).toEqual(names)
  })
})
