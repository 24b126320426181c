/**
 * `cache:error` and the warning once per incident: a Redis killed with 2 000 calls in flight fired
 * `cache:error` twice per call (E_TIER_DOWN and the call's own E_TIER: 4 000 events for a plugin
 * forwarding them to an error tracker), and the warning was printed once per process, so a second
 * outage later in a long run went unsaid. Now one incident (down, until the tier answers again) is
 * one `cache:error` (E_TIER_DOWN) and one warning; every failed call is still counted in
 * stats().errors. Against a real redis-server killed mid-run, restarted on its port, killed again.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { connect } from 'node:net'
import { Redis } from 'ioredis'
import { describe, expect, it } from 'vitest'
import { hasRedisServer, startRedisServer } from '../helpers/redis-server.js'
import { manager } from './_manager.js'

function restartOn(port: number): Promise<ChildProcess> {
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' })
  return (async () => {
    for (let i = 0; i < 200; i++) {
      const up = await new Promise<boolean>(r => {
        const c = connect(port, '127.0.0.1').once('connect', () => { c.end(); r(true) }).once('error', () => { c.destroy(); r(false) })
      })
      if (up) return child
      await new Promise(r => setTimeout(r, 25))
    }
    throw new Error('redis-server did not restart')
  })()
}

async function killed(child: ChildProcess): Promise<void> {
  child.kill('SIGKILL')
  if (child.exitCode === null && child.signalCode === null) await new Promise(r => child.once('exit', r))
}

describe.skipIf(!hasRedisServer)('a redis tier down: one cache:error and one warning per incident', () => {
  it('killed with 2 000 calls in flight, back, killed again: two incidents told, every failed call counted', async () => {
    const first = await startRedisServer()
    let server: ChildProcess = first.process
    const { cache, m, hooks, warnings } = manager({ driver: ['memory', { driver: 'redis', url: first.url }], timeout: 1000 })
    const events: string[] = []
    hooks.hook('cache:error', e => { events.push(`${e.code} ${e.tierName}`) })
    const told = () => warnings.filter(w => w.includes('redis tier failed'))
    const outage = async (round: number) => {
      // in flight when the server dies: they fail together (reset, closed)
      const inFlight = Promise.all(Array.from({ length: 2000 }, (_, i) => cache.get(`r${round}-${i}`)))
      await killed(server)
      expect((await inFlight).every(v => v === null)).toBe(true)
      // and the calls after it, while the tier is down (skipped) or probed (refused)
      for (let i = 0; i < 1000; i++) await cache.set(`after-${round}-${i}`, i)
    }
    try {
      await cache.set('warm', 1) // connected
      await outage(1)
      expect(events).toEqual(['E_TIER_DOWN redis'])
      expect(told()).toHaveLength(1)
      const failed = m.stats().errors
      expect(failed).toBeGreaterThan(1) // each failed call counted, one event for them all

      // back on its port: the probe after the backoff finds it, the tier is used again
      server = await restartOn(first.port)
      const raw = new Redis(first.url)
      let back = false
      try {
        for (let i = 0; i < 150 && !back; i++) {
          await cache.set('back', i)
          back = (await raw.keys('*back')).length > 0
          if (!back) await new Promise(r => setTimeout(r, 100))
        }
      } finally {
        raw.disconnect()
      }
      expect(back).toBe(true)

      await outage(2)
      expect(events).toEqual(['E_TIER_DOWN redis', 'E_TIER_DOWN redis'])
      expect(told()).toHaveLength(2)
      expect(m.stats().errors).toBeGreaterThan(failed)
    } finally {
      server.kill('SIGKILL')
      await m.close()
    }

  }, 90_000)
})
