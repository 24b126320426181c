/** The lock file shared by the run history (report/history.ts) and the tests history (vitest/history-*.ts). */
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, readFileSync, readlinkSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs'
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

  it('a lock dated ahead by more than the stale time (garbage in it, a clock stepped back since) is stale: it made every run wait its whole timeout at exit, for as long as the date was ahead', () => {
    const lock = lockIn()
    writeFileSync(lock, 'garbage')
    const nextYear = new Date(Date.now() + 365 * 86_400_000)
    utimesSync(lock, nextYear, nextYear)
    const release = tryLockFile(lock, STALE)
    expect(release).toBeTypeOf('function')
    expect(readdirSync(join(lock, '..'))).toEqual(['history.jsonl.lock'])
    release!()
    // a few seconds ahead (another machine's clock on a shared dir, within the stale time): still held
    writeFileSync(lock, 'garbage')
    const soon = new Date(Date.now() + STALE / 2)
    utimesSync(lock, soon, soon)
    expect(tryLockFile(lock, STALE)).toBeUndefined()
  })

  it('a lock younger than the caller\'s stale time stays, whatever another caller counts as stale', () => {
    const lock = lockIn()
    writeFileSync(lock, '')
    const twentySeconds = new Date(Date.now() - 20_000)
    utimesSync(lock, twentySeconds, twentySeconds)
    expect(tryLockFile(lock, 30_000)).toBeUndefined()
    expect(tryLockFile(lock, 10_000)).toBeTypeOf('function')
  })

  it('a takeover claim beside a stale lock: a fresh one (a taker at work) keeps it; an old one (its taker killed) is passed over, and removed', () => {
    const lock = lockIn()
    makeStale(lock)
    const { ino, mtimeMs } = statSync(lock)
    const claim = `${lock}.${ino}-${mtimeMs}.takeover0`
    // empty: its taker between creating it and writing its pid, or killed there
    writeFileSync(claim, '')
    expect(tryLockFile(lock, STALE)).toBeUndefined()
    expect(statSync(lock)).toMatchObject({ ino, mtimeMs })
    const old = new Date(Date.now() - 60_000)
    utimesSync(claim, old, old)
    const release = tryLockFile(lock, STALE)
    expect(release).toBeTypeOf('function')
    expect(Date.now() - statSync(lock).mtimeMs).toBeLessThan(STALE) // this process's own lock
    expect(readdirSync(join(lock, '..'))).toEqual(['history.jsonl.lock'])
    release!()
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

  /**
   * `count` long-lived processes that try a lock in rounds (lock-child.ts `rounds`), so that many
   * rounds fit in seconds: go(kind, lock) starts the next round and returns the answers to it,
   * kill(pid) SIGKILLs one, end() ends them.
   */
  function racers(count: number) {
    const dir = tempDir()
    const live = new Map<number, ReturnType<typeof spawn>>()
    const answers: { round: number; pid: number; got: boolean }[] = []
    const exits: Promise<unknown>[] = []
    for (let i = 0; i < count; i++) {
      const proc = spawn(process.execPath, [child, 'rounds', dir, String(STALE)], { stdio: ['ignore', 'pipe', 'inherit'] })
      live.set(proc.pid!, proc)
      let rest = ''
      proc.stdout!.on('data', d => {
        const lines = (rest + d).split('\n')
        rest = lines.pop()!
        for (const line of lines) {
          const [round, pid, answer] = line.split(' ')
          answers.push({ round: Number(round), pid: Number(pid), got: answer === 'got' })
        }
      })
      exits.push(new Promise(r => proc.on('close', r)))
    }
    let round = 0
    return {
      dir,
      live,
      /** Starts the next round (its go file written whole, then renamed) and waits for the answers of all live racers but `missing`. */
      async go(kind: 'race' | 'pause', lock: string, missing = 0) {
        const r = round++
        writeFileSync(join(dir, 'go.tmp'), `${kind} ${lock}`)
        renameSync(join(dir, 'go.tmp'), join(dir, `go-${r}`))
        const mine = () => answers.filter(a => a.round === r)
        for (let i = 0; i < 6000 && mine().length < live.size - missing; i++) await new Promise(res => setTimeout(res, 5))
        expect(mine(), `round ${r}`).toHaveLength(live.size - missing)
        return mine()
      },
      async kill(pid: number) {
        const proc = live.get(pid)!
        live.delete(pid)
        proc.kill('SIGKILL')
        await new Promise(r => proc.exitCode !== null || proc.signalCode !== null ? r(undefined) : proc.on('close', r))
      },
      /** Ends them all: one left stopped in a claim (a failed test) is killed. */
      async end() {
        writeFileSync(join(dir, 'end'), '')
        const stopped = setTimeout(() => { for (const proc of live.values()) proc.kill('SIGKILL') }, 5_000)
        await Promise.all(exits)
        clearTimeout(stopped)
      },
    }
  }

  /** `<boot id> <pid namespace> <pid>` of a process that has exited: a lock its holder left when killed. */
  function deadHolder(): string {
    const lock = lockIn()
    tryLockFile(lock, STALE)
    const [boot, ns] = readFileSync(lock, 'utf8').split(' ')
    return `${boot} ${ns} ${spawnSync(process.execPath, ['-e', '0']).pid}`
  }

  it('a stale lock is taken over exactly once in each of 30 rounds of 8 processes racing for it, and nothing is left aside', async () => {
    const r = racers(8)
    const dead = deadHolder()
    try {
      for (let round = 0; round < 30; round++) {
        const lock = lockIn()
        // planted: left by a holder 60 s ago, or naming a holder of this machine that is gone (taken at once)
        if (round % 2) makeStale(lock)
        else writeFileSync(lock, dead)
        const answers = await r.go('race', lock)
        const winners = answers.filter(a => a.got)
        expect(winners, `round ${round}`).toHaveLength(1)
        // the lock that stands is the winner's, fresh (it lives on, holding it)
        expect(readFileSync(lock, 'utf8').split(' ')[2]).toBe(String(winners[0]!.pid))
        expect(Date.now() - statSync(lock).mtimeMs).toBeLessThan(STALE)
        expect(readdirSync(join(lock, '..'))).toEqual(['history.jsonl.lock'])
      }
    } finally {
      await r.end()
    }
  }, 60_000)

  it('takers SIGKILLed while they hold the takeover claim never wedge the lock: the next round has exactly one winner', async () => {
    const r = racers(8)
    try {
      for (let round = 0; round < 3; round++) {
        const lock = lockIn()
        makeStale(lock)
        // the taker holding the claim stops before it moves the lock; every other one finds the claim held
        const answers = await r.go('pause', lock, 1)
        expect(answers.filter(a => a.got), `round ${round}`).toEqual([])
        // the others answered on finding the claim held: its taker may not have made its mark yet
        let claimed: string[] = []
        for (let i = 0; i < 2000 && claimed.length === 0; i++) {
          claimed = readdirSync(r.dir).filter(f => f.startsWith('claimed-'))
          if (claimed.length === 0) await new Promise(res => setTimeout(res, 5))
        }
        expect(claimed).toHaveLength(1)
        rmSync(join(r.dir, claimed[0]!))
        const beside = readdirSync(join(lock, '..')).sort()
        expect(beside).toHaveLength(2)
        expect(beside[0]).toBe('history.jsonl.lock')
        expect(beside[1]).toMatch(/^history\.jsonl\.lock\.\d+-[\d.]+\.takeover0$/)
        await r.kill(Number(claimed[0]!.slice('claimed-'.length)))
        // its claim is left, naming it (gone): the survivors race again, one takes the lock over at once
        const t0 = Date.now()
        const again = await r.go('race', lock)
        expect(Date.now() - t0).toBeLessThan(STALE / 2)
        const winners = again.filter(a => a.got)
        expect(winners, `round ${round}, after the kill`).toHaveLength(1)
        expect(readFileSync(lock, 'utf8').split(' ')[2]).toBe(String(winners[0]!.pid))
        expect(readdirSync(join(lock, '..'))).toEqual(['history.jsonl.lock'])
      }
      expect(r.live.size).toBe(5)
    } finally {
      await r.end()
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
    const [boot, ns, pidText] = readFileSync(lock, 'utf8').split(' ')
    const pid = Number(pidText)
    expect(pid).toBeGreaterThan(0)
    if (process.platform === 'linux') {
      expect(boot).toBe(readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim())
      expect(ns).toBe(readlinkSync('/proc/self/ns/pid'))
    }
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
