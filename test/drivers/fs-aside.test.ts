/**
 * Issue 4, fs tier: the states a rewrite through an aside can leave when its writer dies, made by
 * hand on a real fs (test/cache/fs-aside.test.ts reaches them with real processes): an entry moved
 * aside and never replaced, an old aside next to its newer entry. Reads find the value, keys() and
 * the sizes never count an aside, delete/clear never let an aside's value come back, prune cleans.
 */
import { copyFileSync, existsSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { asideName } from '../../src/drivers/_fs-aside.js'
import { encodeFileName, FsTier } from '../../src/drivers/fs.js'
import { CorruptEntryError, type StoredEntry } from '../../src/drivers/types.js'
import { tempDir } from '../helpers/tmp.js'

const entry = (key: string, value: unknown): StoredEntry => ({ key, value, createdAt: Date.now(), expiresAt: null, staleFor: 0, size: 0 })
const encode = { compress: false as const, integrity: true }

async function tier() {
  const dir = join(tempDir('unperf-aside-drv-'), 'ns')
  const t = new FsTier(dir, encode)
  return { t, dir, file: (key: string) => join(dir, encodeFileName(key)), aside: (key: string) => join(dir, asideName(encodeFileName(key))) }
}

const asides = (dir: string) => readdirSync(dir).filter(n => n.endsWith('.aside'))

describe('fs tier: asides', () => {
  it('a rewrite leaves no aside, and one of an unknown or new key works the same', async () => {
    const { t, dir } = await tier()
    await t.set(entry('a', 1))
    await t.set(entry('a', 2))
    await t.set(entry('B/c', 3))
    await t.set(entry('B/c', 4))
    expect((await t.get('a'))?.value).toBe(2)
    expect((await t.get('B/c'))?.value).toBe(4)
    expect(asides(dir)).toEqual([])
    expect(readdirSync(dir).filter(n => n.endsWith('.tmp'))).toEqual([])
    await t.close()
  })

  it('an entry moved aside and never replaced (its writer died between the renames) is read, put back, then listed and counted', async () => {
    const { t, dir, file, aside } = await tier()
    await t.set(entry('a', 'old'))
    await t.set(entry('x/y', 'other'))
    renameSync(file('a'), aside('a'))
    // a fresh process: keys() and the index list entries only
    const t2 = new FsTier(dir, encode)
    expect(await t2.keys()).toEqual(['x/y'])
    expect((await t2.stats()).entries).toBe(1)
    expect((await t2.get('a'))?.value).toBe('old')
    expect(existsSync(file('a'))).toBe(true)
    expect((await t2.keys()).sort()).toEqual(['a', 'x/y'])
    expect((await t2.stats()).entries).toBe(2)
    expect((await t2.stats()).bytes).toBe(statSync(file('a')).size + statSync(file('x/y')).size)
    // the next write of the key removes the aside
    await t2.set(entry('a', 'new'))
    expect(asides(dir)).toEqual([])
    expect((await t2.get('a'))?.value).toBe('new')
    await t2.close()
    await t.close()
  })

  it('delete and clear remove asides: an old value never comes back', async () => {
    const { t, dir, file, aside } = await tier()
    // an old aside next to its newer entry (the writer died before removing it)
    await t.set(entry('a', 'old'))
    const old = readFileSync(file('a'))
    await t.set(entry('a', 'new'))
    writeFileSync(aside('a'), old, { mode: 0o600 })
    expect((await t.get('a'))?.value).toBe('new')
    expect(await t.delete('a')).toBe(true)
    expect(await t.get('a')).toBeNull()
    expect(asides(dir)).toEqual([])

    // clear: entries, their asides, and an aside whose entry is gone
    await t.set(entry('b', 'old b'))
    await t.set(entry('c', 'c'))
    renameSync(file('b'), aside('b'))
    copyFileSync(file('c'), aside('c'))
    expect(await t.clear()).toBe(2)
    expect(await t.get('b')).toBeNull()
    expect(await t.get('c')).toBeNull()
    expect(readdirSync(dir)).toEqual([])
    await t.close()
  })

  it('prune() puts an aside back when its entry is missing, removes it otherwise', async () => {
    const { t, dir, file, aside } = await tier()
    await t.set(entry('a', 'a old'))
    renameSync(file('a'), aside('a'))
    await t.set(entry('b', 'b old'))
    const old = readFileSync(file('b'))
    await t.set(entry('b', 'b new'))
    writeFileSync(aside('b'), old, { mode: 0o600 })
    const t2 = new FsTier(dir, encode)
    await t2.prune(Infinity, Date.now())
    expect(asides(dir)).toEqual([])
    expect((await t2.keys()).sort()).toEqual(['a', 'b'])
    expect((await t2.get('a'))?.value).toBe('a old')
    expect((await t2.get('b'))?.value).toBe('b new')
    expect((await t2.stats()).entries).toBe(2)
    await t2.close()
    await t.close()
  })

  it('a corrupt aside is a corrupt entry: reported, removed, never a value', async () => {
    const { t, dir, aside } = await tier()
    await t.set(entry('a', 'x'))
    await t.delete('a')
    writeFileSync(aside('a'), 'not an envelope', { mode: 0o600 })
    await expect(t.get('a')).rejects.toBeInstanceOf(CorruptEntryError)
    expect(readdirSync(dir)).toEqual([])
    expect(await t.get('a')).toBeNull()
    await t.close()
  })

  it('writes of one key in one process at once: one of them wins, no aside left', async () => {
    const { t, dir } = await tier()
    await t.set(entry('a', -1))
    await Promise.all(Array.from({ length: 20 }, (_, i) => t.set(entry('a', i))))
    expect(typeof (await t.get('a'))?.value).toBe('number')
    expect(asides(dir)).toEqual([])
    await t.close()
  })
})
