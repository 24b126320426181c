/**
 * makeDirSync (src/runtime/make-dir.ts), every dir unperf makes: on a real fs it does what Node's
 * recursive mkdir did (missing parents made, the first one returned, a file in the way refused with
 * mkdir's own codes); under /proc, where Node 20's recursive mkdir never returns, it fails at once
 * and whyUnwritable says /proc refused it. Child-process runs of host CLIs under /proc:
 * test/reliability/read-only-fs.test.ts.
 */
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { describe, expect, it } from 'vitest'
import { whyUnwritable } from '../../src/drivers/fs-unwritable.js'
import { makeDirSync } from '../../src/runtime/make-dir.js'
import { tempDir } from '../helpers/tmp.js'

const thrown = (fn: () => unknown) => {
  try { fn() } catch (error) { return error as NodeJS.ErrnoException }
  throw new Error('did not throw')
}

describe('makeDirSync', () => {
  it('makes the missing parents with the mode, returns the first dir made; a dir already there: undefined', () => {
    const root = tempDir()
    const deep = join(root, 'a', 'b', 'c')
    const old = process.umask(0o022)
    try {
      expect(makeDirSync(deep, 0o700)).toBe(join(root, 'a'))
    } finally { process.umask(old) }
    for (const d of ['a', 'a/b', 'a/b/c']) expect(statSync(join(root, d)).mode & 0o777).toBe(0o700)
    expect(makeDirSync(deep, 0o700)).toBeUndefined()
    expect(makeDirSync(join(root, 'a', 'b', 'c', 'd'))).toBe(join(deep, 'd'))
  })

  it('a relative path is made from the working dir', () => {
    const root = tempDir()
    const rel = relative(process.cwd(), join(root, 'x', 'y'))
    expect(makeDirSync(rel)).toBe(join(root, 'x'))
    expect(statSync(join(root, 'x', 'y')).isDirectory()).toBe(true)
  })

  it('a file where the dir or a parent should be: EEXIST / ENOTDIR naming it, as mkdir says (nothing made)', () => {
    const root = tempDir()
    writeFileSync(join(root, 'file'), 'x')
    expect(thrown(() => makeDirSync(join(root, 'file')))).toMatchObject({ code: 'EEXIST', syscall: 'mkdir', path: join(root, 'file') })
    expect(thrown(() => makeDirSync(join(root, 'file', 'sub', 'deeper')))).toMatchObject({ code: 'ENOTDIR' })
    expect(readdirSync(root)).toEqual(['file'])
  })

  it.runIf(process.platform === 'linux' && existsSync('/proc/self'))('under /proc: fails at once with the ENOENT of the dir /proc refused, which whyUnwritable names as refused', () => {
    const dir = '/proc/unperf-no-such-dir/a/b'
    const started = Date.now()
    const error = thrown(() => makeDirSync(dir, 0o700))
    expect(Date.now() - started).toBeLessThan(1000)
    expect(error).toMatchObject({ code: 'ENOENT', syscall: 'mkdir', path: '/proc/unperf-no-such-dir' })
    const why = whyUnwritable(dir, error)
    // root may write /proc by access(2) (it is refused by the mkdir alone); anyone else may not
    expect(why?.at).toBe('/proc')
    expect(why?.reason).toMatch(/^(\/proc refused it \(no new directories can be made there\)|permission denied: \/proc is not writable by this user)/)
  })

  it('an ENOENT that is not a refusal (a dir removed under a writer) is not said to be one', () => {
    const root = tempDir()
    const error = Object.assign(new Error('ENOENT'), { code: 'ENOENT', syscall: 'open', path: join(root, 'gone', 'f.tmp') })
    expect(whyUnwritable(join(root, 'gone'), error)).toBeUndefined()
  })
})

describe('every dir unperf makes goes through makeDirSync', () => {
  it('no recursive mkdir of Node\'s in src/ or the start script (it never returns under /proc on Node 20)', () => {
    const src = join(import.meta.dirname, '../../src')
    const files = (readdirSync(src, { recursive: true }) as string[]).filter(f => /\.(ts|mjs)$/.test(f) && !f.endsWith('make-dir.ts')).map(f => join(src, f))
    files.push(join(import.meta.dirname, '../../scripts/start-script.mjs'))
    const offenders = files.filter(f => /recursive:\s*true/.test(readFileSync(f, 'utf8').split('\n').filter(l => /\bmkdir(Sync)?\(/.test(l)).join('\n')))
    expect(offenders.map(f => relative(join(src, '..'), f))).toEqual([])
  })
})
