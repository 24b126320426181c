/**
 * Issue 4, fs driver: the file I/O under the fs tier, on a real fs. Reads return the whole file
 * whatever its size and whatever size the tier's index expected (another process may have
 * rewritten it); writes land whole, 0600, through a temp file, moving the old entry aside first.
 */
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { readAside } from '../../src/drivers/_fs-aside.js'
import { readEntryFile, writeAtomic } from '../../src/drivers/_fs-io.js'
import { tempDir } from '../helpers/tmp.js'

function bytes(n: number, seed = 1): Buffer {
  const b = Buffer.allocUnsafe(n)
  for (let i = 0; i < n; i++) b[i] = (i * 31 + seed) & 0xff
  return b
}

describe('fs tier I/O', () => {
  it('reads files of every size whole: empty, small, at and around the 128 KB read buffer, 3 MB', async () => {
    const dir = tempDir('unperf-io-')
    for (const n of [0, 1, 1000, 128 * 1024 - 1, 128 * 1024, 128 * 1024 + 1, 300_000, 3_000_000]) {
      const file = join(dir, `f${n}`)
      const data = bytes(n, n)
      writeFileSync(file, data)
      expect((await readEntryFile(file)).equals(data), `${n} bytes`).toBe(true)
    }
  })

  it('reads the whole file when the size hint is stale, smaller or larger', async () => {
    const dir = tempDir('unperf-io-')
    const file = join(dir, 'f')
    for (const [actual, hint] of [[5000, 100], [5000, 4999], [5000, 5000], [100, 5000], [300_000, 10], [10, 300_000], [0, 10]] as const) {
      const data = bytes(actual, hint)
      writeFileSync(file, data)
      expect((await readEntryFile(file, hint)).equals(data), `${actual} bytes, hint ${hint}`).toBe(true)
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

  it('writes the parts in order through a temp file, mode 0600, and leaves no temp file', async () => {
    const dir = tempDir('unperf-io-')
    const file = join(dir, 'entry')
    writeFileSync(file, 'old content that is longer than the new one')
    const parts = [Buffer.from('head:'), bytes(200_000), Buffer.from(':tail')]
    await writeAtomic(join(dir, '.entry.tmp'), file, parts, 200_010)
    expect(readFileSync(file).equals(Buffer.concat(parts))).toBe(true)
    expect(statSync(file).mode & 0o777).toBe(0o600)
    expect(readdirSync(dir)).toEqual(['entry'])
  })

  it('never writes through an existing temp name (O_EXCL)', async () => {
    const dir = tempDir('unperf-io-')
    const tmp = join(dir, '.entry.tmp')
    writeFileSync(tmp, 'someone else')
    await expect(writeAtomic(tmp, join(dir, 'entry'), [Buffer.from('x')], 1)).rejects.toMatchObject({ code: 'EEXIST' })
    expect(readFileSync(tmp, 'utf8')).toBe('someone else')
    expect(existsSync(join(dir, 'entry'))).toBe(false)
  })

  it('with an aside: the old entry is moved aside, the new one takes its name, the aside is removed', async () => {
    const dir = tempDir('unperf-io-')
    const file = join(dir, 'entry')
    const aside = join(dir, '.entry.aside')
    writeFileSync(file, 'old')
    await writeAtomic(join(dir, '.entry.1.tmp'), file, [Buffer.from('new')], 3, aside)
    expect(readFileSync(file, 'utf8')).toBe('new')
    expect(statSync(file).mode & 0o777).toBe(0o600)
    expect(readdirSync(dir)).toEqual(['entry'])
    // no entry yet: nothing to move aside
    await writeAtomic(join(dir, '.other.1.tmp'), join(dir, 'other'), [Buffer.from('first')], 5, join(dir, '.other.aside'))
    expect(readFileSync(join(dir, 'other'), 'utf8')).toBe('first')
    expect(readdirSync(dir).sort()).toEqual(['entry', 'other'])
  })

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
})
