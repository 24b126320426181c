import { execFileSync } from 'node:child_process'
import { appendFileSync, mkdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { build } from 'esbuild'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import {
  clearFileHashMemo, fileHashStats, hashFiles, hashFilesSync, setFileHashMemoDir,
} from '../../src/runtime/cache/file-hash.js'
import { tempDir } from '../helpers/tmp.js'

let memoDir: string
beforeEach(() => {
  memoDir = tempDir('unperf-fh-memo-')
  setFileHashMemoDir(memoDir)
  clearFileHashMemo()
})
// the 'shared' project's next file in this process: the default memo dir again, not this file's
// removed temp dir (a wrap({ files }) there made it again, and left it in /tmp)
afterAll(() => {
  setFileHashMemoDir(undefined)
  clearFileHashMemo()
})

/** A project whose files are older than the 2 s racy window (mtime set back; ctime needs a real wait). */
async function oldProject(files: Record<string, string>): Promise<string> {
  const cwd = tempDir('unperf-fh-')
  const past = new Date(Date.now() - 60_000)
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(cwd, name, '..'), { recursive: true })
    writeFileSync(join(cwd, name), text)
    utimesSync(join(cwd, name), past, past)
  }
  await sleep(2100) // ctime cannot be set back: let it age past the racy window
  return cwd
}

describe('hashFiles', () => {
  it('changes exactly when content, the file list or a missing file changes', async () => {
    const cwd = tempDir('unperf-fh-')
    writeFileSync(join(cwd, 'a.txt'), 'one')
    const h1 = await hashFiles(['*.txt', 'package.json'], cwd)
    expect(h1).toMatch(/^[0-9a-f]{64}$/)
    expect(await hashFiles(['*.txt', 'package.json'], cwd)).toBe(h1)
    writeFileSync(join(cwd, 'a.txt'), 'two')
    const h2 = await hashFiles(['*.txt', 'package.json'], cwd)
    expect(h2).not.toBe(h1)
    writeFileSync(join(cwd, 'b.txt'), '')
    const h3 = await hashFiles(['*.txt', 'package.json'], cwd)
    expect(h3).not.toBe(h2)
    writeFileSync(join(cwd, 'package.json'), '{}') // a missing named file that appears
    const h4 = await hashFiles(['*.txt', 'package.json'], cwd)
    expect(h4).not.toBe(h3)
    rmSync(join(cwd, 'b.txt'))
    expect(await hashFiles(['*.txt', 'package.json'], cwd)).not.toBe(h4)
  })

  it('an empty match is a hash of its own, and the first matching file changes it', async () => {
    const cwd = tempDir('unperf-fh-')
    const empty = await hashFiles(['src/**/*.ts'], cwd)
    mkdirSync(join(cwd, 'src'))
    writeFileSync(join(cwd, 'src/x.ts'), '')
    expect(await hashFiles(['src/**/*.ts'], cwd)).not.toBe(empty)
  })

  it('a renamed file with the same content changes the hash; the same tree elsewhere gives the same hash', async () => {
    const a = tempDir('unperf-fh-')
    const b = tempDir('unperf-fh-')
    writeFileSync(join(a, 'x.txt'), 'same')
    writeFileSync(join(b, 'x.txt'), 'same')
    expect(await hashFiles(['*.txt'], a)).toBe(await hashFiles(['*.txt'], b))
    rmSync(join(b, 'x.txt'))
    writeFileSync(join(b, 'y.txt'), 'same')
    expect(await hashFiles(['*.txt'], a)).not.toBe(await hashFiles(['*.txt'], b))
  })

  it('an unchanged old file is not read again (fast path), a touched one is re-read and keeps its hash', async () => {
    const cwd = await oldProject({ 'a.txt': 'alpha', 'lib/b.txt': 'beta' })
    const h = await hashFiles(['**/*.txt'], cwd)
    const read = fileHashStats.hashed
    for (let i = 0; i < 5; i++) expect(await hashFiles(['**/*.txt'], cwd)).toBe(h)
    expect(fileHashStats.hashed).toBe(read)
    const now = new Date()
    utimesSync(join(cwd, 'a.txt'), now, now) // touch, no content change
    expect(await hashFiles(['**/*.txt'], cwd)).toBe(h)
    expect(fileHashStats.hashed).toBe(read + 1) // only the touched file was read
  })

  it('a same-size edit that restores the mtime (cp -p, tar) is detected', async () => {
    const cwd = await oldProject({ 'a.txt': 'aaaa' })
    const file = join(cwd, 'a.txt')
    const before = statSync(file)
    const h = await hashFiles(['a.txt'], cwd)
    const read = fileHashStats.hashed
    expect(await hashFiles(['a.txt'], cwd)).toBe(h)
    expect(fileHashStats.hashed).toBe(read) // trusted record
    const src = join(tempDir('unperf-fh-src-'), 'a.txt')
    writeFileSync(src, 'bbbb')
    utimesSync(src, before.atime, before.mtime)
    execFileSync('cp', ['-p', src, file])
    expect(statSync(file).mtimeMs).toBe(before.mtimeMs)
    expect(statSync(file).size).toBe(before.size)
    expect(await hashFiles(['a.txt'], cwd)).not.toBe(h)
  })

  it('an edit within 2 s of the recorded hash is never hidden by the memo (racy window)', async () => {
    const cwd = tempDir('unperf-fh-')
    const file = join(cwd, 'a.txt')
    writeFileSync(file, 'x1')
    const mtime = statSync(file).mtime
    const h1 = await hashFiles(['a.txt'], cwd)
    writeFileSync(file, 'x2')
    utimesSync(file, mtime, mtime) // same mtime and size as recorded
    expect(await hashFiles(['a.txt'], cwd)).not.toBe(h1)
  })

  it('hashFilesSync gives the same hash as hashFiles', async () => {
    const cwd = tempDir('unperf-fh-')
    mkdirSync(join(cwd, 'src'))
    writeFileSync(join(cwd, 'src/a.ts'), 'a')
    writeFileSync(join(cwd, 'package.json'), '{}')
    const globs = ['src/**/*.ts', 'package.json', 'pnpm-lock.yaml']
    expect(hashFilesSync(globs, cwd)).toBe(await hashFiles(globs, cwd))
    appendFileSync(join(cwd, 'src/a.ts'), 'b')
    expect(hashFilesSync(globs, cwd)).toBe(await hashFiles(globs, cwd))
  })

  // a named dir (`files: ['src']`) stands for the files under it: found from the stats of the first
  // pass, every file read once (it hashed all, then stat'ed the named paths and hashed all again: a
  // file written < 2 s ago, which the memo does not trust yet, was read twice)
  it.each([['hashFiles', hashFiles], ['hashFilesSync', hashFilesSync]] as const)('%s: a named dir is hashed in one pass, as the glob of its files', async (_, hash) => {
    const cwd = tempDir('unperf-fh-')
    mkdirSync(join(cwd, 'src/deep'), { recursive: true })
    writeFileSync(join(cwd, 'src/a.ts'), 'a')
    writeFileSync(join(cwd, 'src/deep/b.ts'), 'b')
    writeFileSync(join(cwd, 'package.json'), '{}')
    writeFileSync(join(cwd, 'notes.txt'), 'n')
    // more than the 8 named paths hashFiles takes synchronously: its async path too
    const missing = Array.from({ length: 8 }, (_, i) => `missing-${i}.json`)
    const globs = ['src', 'package.json', '*.txt', ...missing]
    const read = fileHashStats.hashed
    const h = await hash(globs, cwd)
    expect(fileHashStats.hashed - read).toBe(4) // a.ts, b.ts, package.json, notes.txt: once each
    clearFileHashMemo()
    expect(await hash(['src/**', 'package.json', '*.txt', ...missing], cwd)).toBe(h)
    writeFileSync(join(cwd, 'src/deep/b.ts'), 'b2')
    expect(await hash(globs, cwd)).not.toBe(h)
  })

  it('a memo write removes the temp files memo writes killed before their rename left (async and sync)', async () => {
    const dead = 2 ** 22 + 12_345 // above pid_max's default: no such process
    const past = (Date.now() - 5_000) / 1000
    const leave = (name: string) => { writeFileSync(join(memoDir, name), '{"v":1,'); utimesSync(join(memoDir, name), past, past) }
    leave(`0123456789abcdef.json.${dead}.k1l2m3.0.tmp`)
    const cwd = tempDir('unperf-fh-')
    writeFileSync(join(cwd, 'a.txt'), 'alpha')
    await hashFiles(['a.txt'], cwd)
    const { readdirSync } = await import('node:fs')
    expect(readdirSync(memoDir).filter(n => n.endsWith('.tmp'))).toEqual([])
    leave(`0123456789abcdef.json.${dead}.k1l2m3.1.tmp`)
    writeFileSync(join(cwd, 'b.txt'), 'beta')
    hashFilesSync(['b.txt'], cwd)
    expect(readdirSync(memoDir).filter(n => n.endsWith('.tmp'))).toEqual([])
  })

  it('a damaged memo file is ignored, never trusted', async () => {
    const cwd = await oldProject({ 'a.txt': 'alpha' })
    const h = await hashFiles(['a.txt'], cwd)
    const [memoFile] = (await import('node:fs')).readdirSync(memoDir)
    expect(memoFile).toMatch(/\.json$/)
    const text = readFileSync(join(memoDir, memoFile!), 'utf8')
    // a forged record claiming another hash for the same stat signature is only as good as its shape
    writeFileSync(join(memoDir, memoFile!), text.replace(/"[0-9a-f]{64}"/, '"nothex"'))
    clearFileHashMemo()
    expect(await hashFiles(['a.txt'], cwd)).toBe(h)
    writeFileSync(join(memoDir, memoFile!), '\0garbage{')
    clearFileHashMemo()
    expect(await hashFiles(['a.txt'], cwd)).toBe(h)
  })
})

describe('hashFiles across processes', () => {
  let lib: string
  beforeAll(async () => {
    lib = join(tempDir('unperf-fh-lib-'), 'file-hash.mjs')
    await build({
      entryPoints: [join(import.meta.dirname, '../../src/runtime/cache/file-hash.ts')], bundle: true, platform: 'node', format: 'esm',
      packages: 'external', outfile: lib, logLevel: 'error',
    })
  }, 60_000)

  function run(cwd: string, globs: string[]): { hash: string; hashed: number; memoLoads: number } {
    const script = `const m = await import(${JSON.stringify(lib)}); m.setFileHashMemoDir(${JSON.stringify(memoDir)});
      const hash = await m.hashFiles(${JSON.stringify(globs)}, ${JSON.stringify(cwd)});
      console.log(JSON.stringify({ hash, ...m.fileHashStats }))`
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: join(import.meta.dirname, '../..') })
    return JSON.parse(out.toString()) as { hash: string; hashed: number; memoLoads: number }
  }

  it('a second process reuses the on-disk stat memo and reads no file; an edit is still seen', async () => {
    const cwd = await oldProject({ 'package.json': '{"name":"x"}', 'package-lock.json': '{"lockfileVersion":3}' })
    const first = run(cwd, ['package.json', 'package-lock.json'])
    expect(first.hashed).toBe(2)
    const second = run(cwd, ['package.json', 'package-lock.json'])
    expect(second).toMatchObject({ hash: first.hash, hashed: 0, memoLoads: 1 })
    writeFileSync(join(cwd, 'package.json'), '{"name":"y"}')
    const third = run(cwd, ['package.json', 'package-lock.json'])
    expect(third.hashed).toBe(1)
    expect(third.hash).not.toBe(first.hash)
  }, 30_000)

  it('files outside cwd (a monorepo root lockfile) are remembered too: the second process reads none', async () => {
    const root = await oldProject({ 'package-lock.json': '{"lockfileVersion":3}', 'app/package.json': '{"name":"app"}' })
    const cwd = join(root, 'app')
    const globs = ['package.json', join(root, 'package-lock.json')]
    const first = run(cwd, globs)
    expect(first.hashed).toBe(2)
    const second = run(cwd, globs)
    expect(second).toMatchObject({ hash: first.hash, hashed: 0, memoLoads: 1 })
  }, 30_000)
})
