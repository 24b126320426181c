/** The lock file shared by the run history (report/history.ts) and the tests history (vitest/history-*.ts). */
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { tryLockFile, waitForLockFile } from '../../src/runtime/lock-file.js'
import { tempDir } from '../helpers/tmp.js'
import { bundle, run } from '../report/_child.js'

const STALE = 10_000

/** A lock file path in a dir of its own (so what is left beside it can be listed). */
function lockIn(dir = tempDir()): string {
  mkdirSync(join(dir, 'locks'))
  return join(dir, 'locks', 'history.jsonl.lock')
}

function makeStale(lock: string): void {
  writeFileSync(lock, '')
  const old = new Date(Date.now() - 60_000)
  utimesSync(lock, old, old)
}

/** Resolves once `file` exists (a child's signal). */
async function until(file: string): Promise<void> {
  for (let i = 0; i < 3000 && !existsSync(file); i++) await new Promise(r => setTimeout(r, 5))
  if (!existsSync(file)) throw new Error(`${file} never appeared`)
}

describe('lock file (one process)', () => {
  it('try once: the lock (0600) while it is free, undefined while held; released, it is free again', () => {
    const lock = lockIn()
    const release = tryLockFile(lock, STALE)
    expect(release).toBeTypeOf('function')
    expect(statSync(lock).mode & 0o777).toBe(0o600)
    expect(tryLockFile(lock, STALE)).toBeUndefined()
    expect(existsSync(lock)).toBe(true)
    release!()
    expect(existsSync(lock)).toBe(false)
    release!() // a second release is harmless
    const again = tryLockFile(lock, STALE)
    expect(again).toBeTypeOf('function')
    again!()
  })

  it('takes over a stale lock and leaves nothing aside', () => {
    const lock = lockIn()
    makeStale(lock)
    const release = tryLockFile(lock, STALE)
    expect(release).toBeTypeOf('function')
    expect(Date.now() - statSync(lock).mtimeMs).toBeLessThan(STALE)
    expect(readdirSync(join(lock, '..'))).toEqual(['history.jsonl.lock'])
    release!()
  })

  it('a lock younger than the caller\'s stale time stays, whatever another caller counts as stale', () => {
    const lock = lockIn()
    writeFileSync(lock, '')
    const twentySeconds = new Date(Date.now() - 20_000)
    utimesSync(lock, twentySeconds, twentySeconds)
    expect(tryLockFile(lock, 30_000)).toBeUndefined()
    expect(tryLockFile(lock, 10_000)).toBeTypeOf('function')
  })

  it('throws when the lock file cannot be made', () => {
    const lock = join(tempDir(), 'missing', 'x.lock')
    expect(() => tryLockFile(lock, STALE)).toThrow(/ENOENT/)
    expect(() => waitForLockFile(lock, { staleMs: STALE, timeoutMs: 100, pollMs: 5 })).toThrow(/ENOENT/)
  })

  it('waiting: a free or stale lock at once; a held one until the deadline, then undefined (the caller chooses what follows)', () => {
    const lock = lockIn()
    makeStale(lock)
    let t0 = Date.now()
    const release = waitForLockFile(lock, { staleMs: STALE, timeoutMs: 5_000, pollMs: 5 })
    expect(release).toBeTypeOf('function')
    expect(Date.now() - t0).toBeLessThan(1_000)
    t0 = Date.now()
    expect(waitForLockFile(lock, { staleMs: STALE, timeoutMs: 150, pollMs: 5 })).toBeUndefined()
    expect(Date.now() - t0).toBeGreaterThanOrEqual(150)
    expect(existsSync(lock)).toBe(true)
    release!()
  })
})

describe('lock file (real processes)', () => {
  let child: string
  beforeAll(async () => {
    child = await bundle('../runtime/fixtures/lock-child.ts')
  }, 60_000)

  /** `count` processes try the lock at once (a go file starts them); their answers. */
  async function race(lock: string, count: number): Promise<string[]> {
    const go = join(lock, '../..', 'go')
    const procs = Array.from({ length: count }, () => run(child, ['race', lock, String(STALE), go]))
    await new Promise(r => setTimeout(r, 300))
    writeFileSync(go, '')
    const results = await Promise.all(procs)
    for (const r of results) expect(r.stderr).toBe('')
    expect(results.map(r => r.code)).toEqual(Array(count).fill(0))
    return results.map(r => r.stdout)
  }

  it('a stale lock is taken over exactly once when 8 processes race for it, and nothing is left aside', async () => {
    for (let round = 0; round < 5; round++) {
      const lock = lockIn()
      makeStale(lock)
      const answers = await race(lock, 8)
      expect(answers.filter(a => a === 'got')).toHaveLength(1)
      expect(answers.filter(a => a === 'busy')).toHaveLength(7)
      // the winner's lock, fresh, is what stands (it exited holding it)
      expect(Date.now() - statSync(lock).mtimeMs).toBeLessThan(STALE)
      expect(readdirSync(join(lock, '..'))).toEqual(['history.jsonl.lock'])
    }
  }, 60_000)

  it('a fresh lock is never removed: 8 processes racing for it all find it held', async () => {
    const lock = lockIn()
    const release = tryLockFile(lock, STALE)!
    const { ino, mtimeMs } = statSync(lock)
    const answers = await race(lock, 8)
    expect(answers).toEqual(Array(8).fill('busy'))
    expect(statSync(lock)).toMatchObject({ ino, mtimeMs })
    expect(readdirSync(join(lock, '..'))).toEqual(['history.jsonl.lock'])
    release()
  }, 60_000)

  it('try once is undefined while another process holds the lock; the wait ends when it releases', async () => {
    const lock = lockIn()
    const holder = run(child, ['hold', lock, String(STALE), '400'])
    await until(join(lock, '..', 'held'))
    expect(tryLockFile(lock, STALE)).toBeUndefined()
    const t0 = Date.now()
    const release = waitForLockFile(lock, { staleMs: STALE, timeoutMs: 5_000, pollMs: 5 })
    const waited = Date.now() - t0
    expect(release).toBeTypeOf('function')
    expect(waited).toBeGreaterThanOrEqual(200)
    expect(waited).toBeLessThan(4_000)
    expect(await holder).toMatchObject({ code: 0, stdout: 'released', stderr: '' })
    release!()
    expect(existsSync(lock)).toBe(false)
  }, 30_000)

  it('a live holder keeps the lock past the deadline: the waiter gets undefined and the lock stands', async () => {
    const lock = lockIn()
    const holder = run(child, ['hold', lock, String(STALE), '1500'])
    await until(join(lock, '..', 'held'))
    const t0 = Date.now()
    expect(waitForLockFile(lock, { staleMs: STALE, timeoutMs: 200, pollMs: 5 })).toBeUndefined()
    expect(Date.now() - t0).toBeLessThan(1_500)
    expect(existsSync(lock)).toBe(true)
    expect(await holder).toMatchObject({ code: 0, stdout: 'released' })
  }, 30_000)

  it('a holder killed with SIGKILL while it holds the lock: the next waiter takes it at once, not after its whole wait', async () => {
    // as a CLI killed during its exit's history append: every run of the next 10 s waited 5 s at exit
    const lock = lockIn()
    const holder = run(child, ['hold', lock, String(STALE), '20000'])
    await until(join(lock, '..', 'held'))
    // the lock names its holder: `<boot id> <pid namespace> <pid>`
    const pid = Number(readFileSync(lock, 'utf8').split(' ')[2])
    expect(pid).toBeGreaterThan(0)
    process.kill(pid, 'SIGKILL')
    expect((await holder).code).not.toBe(0)
    expect(existsSync(lock)).toBe(true)
    const t0 = Date.now()
    const release = waitForLockFile(lock, { staleMs: STALE, timeoutMs: 5_000, pollMs: 5 })
    expect(release).toBeTypeOf('function')
    expect(Date.now() - t0).toBeLessThan(1_000)
    expect(readdirSync(join(lock, '..')).sort()).toEqual(['held', 'history.jsonl.lock'])
    release!()
  }, 30_000)

  it('the lock of a process that exited without releasing it is taken over at once (it names its holder, gone)', async () => {
    const lock = lockIn()
    expect(await run(child, ['crash', lock, '1000'])).toMatchObject({ code: 0, stderr: '' })
    expect(existsSync(lock)).toBe(true)
    const release = tryLockFile(lock, STALE)
    expect(release).toBeTypeOf('function')
    expect(readdirSync(join(lock, '..'))).toEqual(['history.jsonl.lock'])
    release!()
  }, 30_000)
})
