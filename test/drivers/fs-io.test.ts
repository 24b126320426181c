/**
 * Issue 4, fs driver: the file I/O under the fs tier, on a real fs. Reads return the whole file
 * whatever its size and whatever size the tier's index expected (another process may have
 * rewritten it); writes land whole, 0600, through a temp file, moving the old entry aside first.
 * Small entries are read and written with sync calls, large ones through the thread pool: both
 * write paths are held to the same behaviour, entries on both sides of the thresholds round-trip
 * exactly through the tier, errors of sync calls reach callers as rejected promises, and a loop of
 * small operations still lets the event loop turn.
 */
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { readAside } from '../../src/drivers/_fs-aside.js'
import { readEntryFile, readEntryFileAsync, SYNC_READ_BYTES } from '../../src/drivers/_fs-read.js'
import { SYNC_WRITE_BYTES, writeAtomic, writeAtomicSync } from '../../src/drivers/_fs-write-atomic.js'
import { encodeEntry, encodeEntryParts } from '../../src/drivers/envelope.js'
import { FsTier } from '../../src/drivers/fs.js'
import type { StoredEntry } from '../../src/drivers/types.js'
import { tempDir } from '../helpers/tmp.js'

type Write = (tmp: string, file: string, parts: Buffer[], size: number, aside?: string) => Promise<void>
/** Both write paths, as the tier calls them (the sync one's throws become rejections in its async caller). */
const writers: [string, Write][] = [
  ['through the pool', writeAtomic],
  ['sync', async (...args) => writeAtomicSync(...args)],
]
const encode = { compress: false as const, integrity: true }
const entry = (key: string, value: unknown): StoredEntry => ({ key, value, createdAt: Date.now(), expiresAt: null, staleFor: 0, size: 0 })

function bytes(n: number, seed = 1): Buffer {
  const b = Buffer.allocUnsafe(n)
  for (let i = 0; i < n; i++) b[i] = (i * 31 + seed) & 0xff
  return b
}

/**
 * An entry file of exactly `n` bytes: an envelope (key 'k', a Buffer value) from 54 bytes on, plain
 * bytes below (files larger than the first read are read whole only when their header says so).
 */
function entryFile(n: number, seed = 1): Buffer {
  return n < 54 ? bytes(n, seed) : encodeEntry(entry('k', bytes(n - 54, seed)), { compress: false, integrity: false })
}

describe('fs tier I/O', () => {
  it('reads files of every size whole: empty, small, at and around the 128 KB read buffer, 3 MB (sync, then through the pool)', async () => {
    const dir = tempDir('unperf-io-')
    for (const read of [readEntryFile, readEntryFileAsync]) {
      for (const n of [0, 1, 1000, 128 * 1024 - 1, 128 * 1024, 128 * 1024 + 1, 300_000, 3_000_000]) {
        const file = join(dir, `f${n}`)
        const data = entryFile(n, n)
        writeFileSync(file, data)
        expect((await read(file)).equals(data), `${read.name}: ${n} bytes`).toBe(true)
      }
    }
  })

  it('reads the whole file when the size hint is stale, smaller or larger (on both sides of the sync read size)', async () => {
    const dir = tempDir('unperf-io-')
    const file = join(dir, 'f')
    const big = SYNC_READ_BYTES
    for (const read of [readEntryFile, readEntryFileAsync]) {
      for (const [actual, hint] of [[5000, 100], [5000, 4999], [5000, 5000], [100, 5000], [300_000, 10], [10, 300_000], [0, 10], [big + 10, big], [big, big + 10], [big - 1, big + 1]] as const) {
        const data = entryFile(actual, hint)
        writeFileSync(file, data)
        expect((await read(file, hint)).equals(data), `${read.name}: ${actual} bytes, hint ${hint}`).toBe(true)
      }
    }
  })

  it('a file larger than the first read whose header says another size, or that is no envelope: only its first bytes (it decodes as corrupt)', async () => {
    const dir = tempDir('unperf-io-')
    const file = join(dir, 'f')
    const envelope = entryFile(1000)
    for (const read of [readEntryFile, readEntryFileAsync]) {
      for (const data of [Buffer.concat([envelope, bytes(SYNC_READ_BYTES * 3)]), bytes(SYNC_READ_BYTES * 3)]) {
        writeFileSync(file, data)
        const got = await read(file)
        expect(got.length, read.name).toBe(SYNC_READ_BYTES)
        expect(got.equals(data.subarray(0, SYNC_READ_BYTES))).toBe(true)
      }
    }
  })

  it('concurrent reads of different files do not share a buffer', async () => {
    const dir = tempDir('unperf-io-')
    const files = Array.from({ length: 20 }, (_, i) => {
      const file = join(dir, `f${i}`)
      writeFileSync(file, bytes(10_000 + i, i))
      return file
    })
    const all = await Promise.all(files.map(f => readEntryFile(f)))
    all.forEach((data, i) => expect(data.equals(bytes(10_000 + i, i)), files[i]).toBe(true))
  })

  it('a missing file is ENOENT', async () => {
    await expect(readEntryFile(join(tempDir('unperf-io-'), 'nope'))).rejects.toMatchObject({ code: 'ENOENT' })
  })

  for (const [how, write] of writers) {
    describe(how, () => {
      it('writes the parts in order through a temp file, mode 0600, and leaves no temp file', async () => {
        const dir = tempDir('unperf-io-')
        const file = join(dir, 'entry')
        writeFileSync(file, 'old content that is longer than the new one')
        const parts = [Buffer.from('head:'), bytes(200_000), Buffer.from(':tail')]
        await write(join(dir, '.entry.tmp'), file, parts, 200_010)
        expect(readFileSync(file).equals(Buffer.concat(parts))).toBe(true)
        expect(statSync(file).mode & 0o777).toBe(0o600)
        expect(readdirSync(dir)).toEqual(['entry'])
      })

      it('never writes through an existing temp name (O_EXCL)', async () => {
        const dir = tempDir('unperf-io-')
        const tmp = join(dir, '.entry.tmp')
        writeFileSync(tmp, 'someone else')
        await expect(write(tmp, join(dir, 'entry'), [Buffer.from('x')], 1)).rejects.toMatchObject({ code: 'EEXIST' })
        expect(readFileSync(tmp, 'utf8')).toBe('someone else')
        expect(existsSync(join(dir, 'entry'))).toBe(false)
      })

      it('with an aside: the old entry is moved aside, the new one takes its name, the aside is removed', async () => {
        const dir = tempDir('unperf-io-')
        const file = join(dir, 'entry')
        const aside = join(dir, '.entry.aside')
        writeFileSync(file, 'old')
        await write(join(dir, '.entry.1.tmp'), file, [Buffer.from('new')], 3, aside)
        expect(readFileSync(file, 'utf8')).toBe('new')
        expect(statSync(file).mode & 0o777).toBe(0o600)
        expect(readdirSync(dir)).toEqual(['entry'])
        // no entry yet: nothing to move aside
        await write(join(dir, '.other.1.tmp'), join(dir, 'other'), [Buffer.from('first')], 5, join(dir, '.other.aside'))
        expect(readFileSync(join(dir, 'other'), 'utf8')).toBe('first')
        expect(readdirSync(dir).sort()).toEqual(['entry', 'other'])
      })
    })
  }

  it('readAside: the aside, put back under the entry\'s name when free; else the entry; else nothing', async () => {
    const dir = tempDir('unperf-io-')
    const file = join(dir, 'entry')
    const aside = join(dir, '.entry.aside')
    expect(await readAside(file, aside)).toBeUndefined()
    writeFileSync(aside, 'old')
    const got = await readAside(file, aside)
    expect(got?.data.toString()).toBe('old')
    expect(got?.restored).toBe(true)
    expect(readFileSync(file, 'utf8')).toBe('old')
    // a newer entry already there: read the aside, never replace the entry
    writeFileSync(file, 'newer')
    const again = await readAside(file, aside)
    expect(again).toMatchObject({ restored: false })
    expect(readFileSync(file, 'utf8')).toBe('newer')
  })

  it('readAside: a missing name on both sides is a miss, after a few quick looks, also with later rounds', async () => {
    const dir = tempDir('unperf-io-')
    expect(await readAside(join(dir, 'entry'), join(dir, '.entry.aside'), undefined, 3)).toBeUndefined()
  })
})

describe('fs tier: sync and thread-pool paths', () => {
  /** A Buffer value whose encoded entry is `size` bytes. */
  function valueOfEncodedSize(key: string, size: number): Buffer {
    const overhead = encodeEntryParts(entry(key, Buffer.alloc(0)), encode).size
    return bytes(size - overhead, size)
  }

  it('entries on both sides of the sync thresholds round-trip exactly, read by a fresh tier (size unknown) and by an indexed one (size known)', async () => {
    const dir = join(tempDir('unperf-io-tier-'), 'ns')
    const t = new FsTier(dir, encode)
    const sizes = [100, SYNC_WRITE_BYTES - 1, SYNC_WRITE_BYTES, SYNC_WRITE_BYTES + 1, 100 * 1024, SYNC_READ_BYTES, SYNC_READ_BYTES + 1, 300_000, 3_000_000]
    const values = new Map(sizes.map(n => [`k${n}`, valueOfEncodedSize(`k${n}`, n)]))
    // twice: a first write of each key, then a rewrite through its aside
    for (let round = 0; round < 2; round++) for (const [key, value] of values) await t.set(entry(key, value))
    for (const key of values.keys()) expect(statSync(join(dir, `${key}.e`)).size, key).toBe(Number(key.slice(1)))
    const fresh = new FsTier(dir, encode)
    for (const [key, value] of values) expect(((await fresh.get(key))?.value as Buffer).equals(value), `${key}, size unknown`).toBe(true)
    const indexed = new FsTier(dir, encode)
    expect((await indexed.stats()).entries).toBe(sizes.length)
    for (const [key, value] of values) expect(((await indexed.get(key))?.value as Buffer).equals(value), `${key}, size known`).toBe(true)
    expect(readdirSync(dir).filter(n => n.endsWith('.tmp') || n.endsWith('.aside'))).toEqual([])
    await Promise.all([t.close(), fresh.close(), indexed.close()])
  })

  it('a write whose dir was deleted under the tier recreates it once, small or large', async () => {
    const dir = join(tempDir('unperf-io-tier-'), 'ns')
    const t = new FsTier(dir, encode)
    for (const size of [1000, 300_000]) {
      await t.set(entry('a', 'first'))
      rmSync(dir, { recursive: true, force: true })
      const value = valueOfEncodedSize('b', size)
      await t.set(entry('b', value))
      expect(((await t.get('b'))?.value as Buffer).equals(value), `${size} bytes`).toBe(true)
      expect(await t.get('a')).toBeNull()
    }
    await t.close()
  })

  it('errors of sync calls are rejected promises, never synchronous throws', async () => {
    const base = tempDir('unperf-io-tier-')
    writeFileSync(join(base, 'file'), 'not a dir')
    // the tier's dir would be under a regular file: every mkdir / open fails with ENOTDIR
    const t = new FsTier(join(base, 'file', 'ns'), encode)
    for (const value of ['small', valueOfEncodedSize('k', 300_000)]) {
      let set: Promise<void> | undefined
      expect(() => { set = t.set(entry('k', value)) }).not.toThrow()
      await expect(set).rejects.toMatchObject({ code: 'ENOTDIR' })
    }
    let get: Promise<unknown> | undefined
    expect(() => { get = t.get('k') }).not.toThrow()
    expect(await get).toBeNull()
    await expect(writers[1]![1](join(base, 'file', 'x.tmp'), join(base, 'file', 'x'), [Buffer.from('x')], 1)).rejects.toMatchObject({ code: 'ENOTDIR' })
    await expect(readEntryFile(join(base, 'file', 'x'))).rejects.toMatchObject({ code: 'ENOTDIR' })
  })

  it('a loop of awaited small sets and gets still lets the event loop turn (a timer fires), and a burst of them lands whole', async () => {
    const dir = join(tempDir('unperf-io-tier-'), 'ns')
    const t = new FsTier(dir, encode)
    let fired = 0
    const timer = setInterval(() => { fired++ }, 1)
    try {
      for (let i = 0; i < 400; i++) await t.set(entry(`k${i % 20}`, { i }))
      for (let i = 0; i < 400; i++) await t.get(`k${i % 20}`)
    } finally {
      clearInterval(timer)
    }
    // ~2 ms of sync calls per turn of the loop at most: 800 operations of ~20–100 µs take several turns
    expect(fired).toBeGreaterThan(0)
    await Promise.all(Array.from({ length: 2000 }, (_, i) => t.set(entry(`b${i % 50}`, { i, key: `b${i % 50}` }))))
    for (let k = 0; k < 50; k++) expect((await t.get(`b${k}`))?.value).toMatchObject({ key: `b${k}` })
    expect(readdirSync(dir).filter(n => n.endsWith('.tmp') || n.endsWith('.aside'))).toEqual([])
    await t.close()
  })
})
