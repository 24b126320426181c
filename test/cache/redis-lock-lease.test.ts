/**
 * A wrap() lock on Redis whose holder was killed mid-fn (SIGKILL, a lost machine) frees its key within
 * seconds, and a live holder keeps it (s31 audit: a process killed mid-revalidation held the key's lock
 * for its 15 s lease, every other process serving the stale value unrevalidated meanwhile). The lease
 * is 5 s, pushed back every second while fn runs (redis-lock.ts); a holder of this machine that died
 * is taken over at once, by a waiter and by a revalidation alike (lock-holder.ts). "Another machine"
 * is a child in a UTS namespace of its own (`unshare -u`, another hostname: its lock names a host this
 * process cannot look into), real processes on the test's real redis-server.
 */
import { spawn, spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { expect, it } from 'vitest'
import { describeRedis, redisUrl } from '../helpers/redis.js'
import { tempDir } from '../helpers/tmp.js'
import { child as spawnChild, childLib } from './_children.js'
import { manager } from './_manager.js'

const lib = childLib()
const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms))

/** `unshare -u` works here (root on Linux): a child can have a hostname of its own. */
const otherHosts = process.platform === 'linux' && spawnSync('unshare', ['-u', 'true']).status === 0

/** A child as _children.ts's, run on "another machine": its own hostname. */
function onAnotherMachine(script: string, env: Record<string, unknown>) {
  const proc = spawn('unshare', ['-u', 'sh', '-c', 'hostname unperf-other-machine && exec "$0" "$@"', process.execPath, join(import.meta.dirname, 'fixtures', script)], {
    env: { ...process.env, UNPERF_LIB: lib(), UNPERF_CHILD: JSON.stringify(env) }, stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  let err = ''
  proc.stdout.on('data', d => { out += d })
  proc.stderr.on('data', d => { err += d })
  const done = new Promise<NodeJS.Signals | null>(resolve => proc.on('close', (_code, signal) => resolve(signal)))
  const ready = new Promise<void>((resolve, reject) => {
    proc.stdout.on('data', () => { if (out.includes('ready')) resolve() })
    proc.on('close', () => reject(new Error(`child exited before ready: ${out} ${err}`)))
  })
  return { proc, done, ready }
}

/** A stale entry of `key` (past its 100 ms ttl, within a 10 min swr) in a fresh scope on the redis. */
async function staleEntry(key: string) {
  const cwd = tempDir('unperf-lease-cwd-')
  const driver = [{ driver: 'redis' as const, url: redisUrl! }]
  const writer = manager({ cwd, driver, timeout: 5000, swr: 600_000 })
  await writer.cache.set(key, 'old', { ttl: 100 })
  await writer.m.close()
  await sleep(150)
  return { cwd, open: () => manager({ dir: tempDir('unperf-lease-'), cwd, driver, timeout: 5000, swr: 600_000 }) }
}

describeRedis('a revalidation (swr) whose process was killed mid-fn', () => {
  it('on this machine: the next revalidation takes its lock at once (it was held 15 s, stale served meanwhile)', async () => {
    const key = `reval-${process.pid}-${Date.now()}`
    const { cwd, open } = await staleEntry(key)
    const c = spawnChild(lib(), 'revalidating-holder.mjs', { dir: tempDir('unperf-lease-'), cwd, url: redisUrl, key })
    await c.ready()
    c.proc.kill('SIGKILL')
    expect((await c.done).signal).toBe('SIGKILL')
    const { cache, m } = open()
    let calls = 0
    const started = Date.now()
    expect(await cache.wrap(key, () => { calls++; return 'new' })).toBe('old')
    // close() waits for the revalidation to its end
    await m.close()
    expect(calls).toBe(1)
    expect(Date.now() - started).toBeLessThan(3000)
    const after = open()
    expect(await after.cache.get(key)).toBe('new')
    await after.m.close()
  }, 30_000)

  it.runIf(otherHosts)('on another machine: a revalidation takes its lock within the 5 s lease (it was 15 s)', async () => {
    const key = `reval-far-${process.pid}-${Date.now()}`
    const { cwd, open } = await staleEntry(key)
    const c = onAnotherMachine('revalidating-holder.mjs', { dir: tempDir('unperf-lease-'), cwd, url: redisUrl, key })
    await c.ready
    c.proc.kill('SIGKILL')
    expect(await c.done).toBe('SIGKILL')
    const killed = Date.now()
    const { cache, m } = open()
    let calls = 0
    // a command each 250 ms, each served the stale value, until one's revalidation got the lock
    let value: unknown = 'old'
    while (value === 'old' && Date.now() - killed < 20_000) {
      value = await cache.wrap(key, () => { calls++; return 'new' })
      await sleep(250)
      if (value === 'old') value = await cache.get(key) ?? 'old'
    }
    const freed = Date.now() - killed
    await m.close()
    expect(value).toBe('new')
    expect(calls).toBe(1)
    // the lease (5 s from the holder's last keep, ≤ 1 s before the kill) and a loaded machine's slack
    expect(freed).toBeLessThan(8000)
  }, 40_000)
})

describeRedis('a waiter of a wrap() lock whose holder was killed on another machine', () => {
  it.runIf(otherHosts)('runs fn within the lease and its 3 s grace (8 s; it was 18 s)', async () => {
    const key = `held-far-${process.pid}-${Date.now()}`
    const cwd = tempDir('unperf-lease-cwd-')
    const c = onAnotherMachine('lock-holder.mjs', { dir: tempDir('unperf-lease-'), cwd, url: redisUrl, key })
    await c.ready
    c.proc.kill('SIGKILL')
    expect(await c.done).toBe('SIGKILL')
    const killed = Date.now()
    const { cache, m } = manager({ dir: tempDir('unperf-lease-'), cwd, driver: [{ driver: 'redis', url: redisUrl! }], timeout: 5000 })
    let calls = 0
    expect(await cache.wrap(key, () => { calls++; return 'mine' })).toBe('mine')
    const waited = Date.now() - killed
    await m.close()
    expect(calls).toBe(1)
    expect(waited).toBeGreaterThan(3000)
    expect(waited).toBeLessThan(11_000)
  }, 40_000)

  it.runIf(otherHosts)('a live holder there whose fn runs past the lease (7 s) is waited for: one call of fn', async () => {
    const key = `live-far-${process.pid}-${Date.now()}`
    const cwd = tempDir('unperf-lease-cwd-')
    const c = onAnotherMachine('lock-holder.mjs', { dir: tempDir('unperf-lease-'), cwd, url: redisUrl, key, holdMs: 7000 })
    await c.ready
    const { cache, m } = manager({ dir: tempDir('unperf-lease-'), cwd, driver: [{ driver: 'redis', url: redisUrl! }], timeout: 5000 })
    let calls = 0
    expect(await cache.wrap(key, () => { calls++; return 'mine' })).toBe('from-holder')
    expect(calls).toBe(0)
    expect(await c.done).toBeNull()
    await m.close()
  }, 40_000)
})
