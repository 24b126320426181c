/**
 * A frozen Redis (SIGSTOP) costs a run one timeout, not one per user of the connection: the cache
 * tier's first call pays its bound (1 s: it covers connecting), and report.historyDriver on the same
 * url, told by the tier, does not wait its own (2 s) after it. The next run on this machine, within
 * the backoff, pays none: the first run left a marker in the cache dir. Each run is a real process
 * (test/reliability/fixtures/redis-run.mjs, on dist) against a redis-server of this file's own.
 */
import { spawn, spawnSync } from 'node:child_process'
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { hasRedisServer, ownRedisServer, startRedisServer } from '../helpers/redis-server.js'
import { tempDir } from '../helpers/tmp.js'

const dist = join(import.meta.dirname, '../../dist/index.mjs')
const fixture = join(import.meta.dirname, 'fixtures/redis-run.mjs')

const redis = ownRedisServer()

function run(dir: string, redisUrl = redis.url, tiers = ''): { ms: number; stderr: string } {
  const r = spawnSync(process.execPath, [fixture, dist, dir, redisUrl, tiers], { encoding: 'utf8', timeout: 20_000 })
  expect(r.status, r.stderr).toBe(0)
  return { ms: (JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { ms: number }).ms, stderr: r.stderr }
}

describe.skipIf(!hasRedisServer)('a frozen redis shared by the cache tier and report.historyDriver', () => {
  it('one run pays the cache tier\'s bound only; the next run of the machine, within the backoff, pays none', async () => {
    const dir = tempDir()
    // healthy: connected, history written; its time is what a run costs here besides waiting for redis
    // (imports, ioredis, the report: over a second on a loaded CI machine), so the bounds below are
    // on the time a run adds to it, which the bounds it waited for set
    const healthy = run(dir)
    expect(healthy.stderr).toBe('')
    redis.process!.kill('SIGSTOP')
    let first: { ms: number; stderr: string }
    let second: { ms: number; stderr: string }
    try {
      first = run(dir)
      second = run(dir)
    } finally {
      redis.process!.kill('SIGCONT')
    }
    // the tier's first call waited its 1 s; the history driver was told, not waited for (before: 1 s + 2 s)
    expect(first.stderr).toMatch(/the redis tier failed \(redis cache tier timed out after 1000ms\)/)
    expect(first.stderr).toMatch(/report\.historyDriver could not be read \(redis found down earlier in this run \(redis cache tier timed out after 1000ms\)/)
    expect(first.ms).toBeGreaterThanOrEqual(1000)
    // one 1 s bound waited, not two (1 s + the history's 2 s: ≈ 3 s more than the healthy run)
    expect(first.ms - healthy.ms).toBeLessThan(2000)
    // the marker: 0600, in the cache dir, named by a hash (no url, no password)
    const marker = readdirSync(join(dir, 'cache')).find(n => n.startsWith('.redis-down-'))
    expect(marker).toMatch(/^\.redis-down-[0-9a-f]{16}$/)
    expect(statSync(join(dir, 'cache', marker!)).mode & 0o777).toBe(0o600)
    // the second run, within the first one's backoff (1 s), skips redis at once and says why
    expect(second.stderr).toMatch(/found down by another unperf process of this machine \(redis cache tier timed out after 1000ms\)/)
    // no bound waited (before: the tier's 1 s again, and the history's 2 s)
    expect(second.ms - healthy.ms).toBeLessThan(800)
    // back up: the marker is for a short time (10 s for a first failure); once it is over, a run
    // uses redis again and removes it. Its time is the expiry it holds (redis-health.ts readMarker),
    // not its mtime: the marker as it reads once that time has passed, written rather than waited
    // for (8 s of the serial project's single worker)
    const [untilText, ...rest] = readFileSync(join(dir, 'cache', marker!), 'utf8').split(' ')
    expect(Number(untilText) - Date.now()).toBeLessThanOrEqual(10_000)
    writeFileSync(join(dir, 'cache', marker!), [Date.now() - 1, ...rest].join(' '))
    const after = run(dir)
    expect(after.stderr).toBe('')
    expect(readdirSync(join(dir, 'cache')).filter(n => n.startsWith('.redis-down-'))).toEqual([])
  }, 60_000)

  it('a marker far in the future (written before the clock was stepped back) is not believed: the next run uses redis', () => {
    const dir = tempDir()
    expect(run(dir).stderr).toBe('')
    redis.process!.kill('SIGSTOP')
    try {
      expect(run(dir).stderr).toMatch(/the redis tier failed/)
    } finally {
      redis.process!.kill('SIGCONT')
    }
    const marker = join(dir, 'cache', readdirSync(join(dir, 'cache')).find(n => n.startsWith('.redis-down-'))!)
    // as if written by a clock a day ahead: every later run, however short, skipped a Redis that answers
    const [, ...rest] = readFileSync(marker, 'utf8').split(' ')
    writeFileSync(marker, [Date.now() + 86_400_000, ...rest].join(' '))
    expect(run(dir).stderr).toBe('')
  }, 60_000)

  it('an fs hit leaves only the scope upkeep on redis: the history driver waits for its answer, not a bound of its own beside it', () => {
    const dir = tempDir()
    // healthy: the key cached on fs as well
    const healthy = run(dir, redis.url, 'fs')
    expect(healthy.stderr).toBe('')
    redis.process!.kill('SIGSTOP')
    let frozen: { ms: number; stderr: string }
    try {
      frozen = run(dir, redis.url, 'fs')
    } finally {
      redis.process!.kill('SIGCONT')
    }
    expect(frozen.stderr).toMatch(/report\.historyDriver could not be read \(redis found down earlier in this run \(redis cache tier timed out after 1000ms\)/)
    // the upkeep's first-call bound (1 s), not the history's 2 s beside it (≈ 3 s more than healthy)
    expect(frozen.ms - healthy.ms).toBeLessThan(2000)
  }, 60_000)

  it('a refused connection (a Redis restarting) is not marked for the other processes: the next run uses it as soon as it is back', async () => {
    const dir = tempDir()
    const own = await startRedisServer()
    own.process.kill('SIGKILL')
    await new Promise(r => own.process.once('exit', r))
    const down = run(dir, own.url)
    // a refused connection is this process's to know (the history driver, after the cache tier found it
    // refused and ioredis has not reconnected, does not wait in its queue for the next attempt), not the others'
    expect(down.stderr).toMatch(new RegExp(`report\\.historyDriver could not be read \\(redis found down earlier in this run \\(connect ECONNREFUSED 127\\.0\\.0\\.1:${own.port}\\)`))
    expect(readdirSync(join(dir, 'cache')).filter(n => n.startsWith('.redis-down-'))).toEqual([])
    // back on its port at once: the next run uses it (no 10 s of skipping)
    const back = spawn('redis-server', ['--port', String(own.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' })
    try {
      for (let i = 0; i < 200 && spawnSync('redis-cli', ['-p', String(own.port), 'ping'], { encoding: 'utf8' }).stdout.trim() !== 'PONG'; i++) await new Promise(r => setTimeout(r, 25))
      expect(run(dir, own.url).stderr).toBe('')
    } finally {
      back.kill('SIGKILL')
    }
  }, 60_000)
})
