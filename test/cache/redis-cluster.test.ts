/**
 * A Redis Cluster is not supported (the redis driver speaks to one Redis): a url of one of its nodes
 * fails the tier with an error that says so, not with Redis' bare `MOVED 13137 127.0.0.1:7001`.
 * Refused once, it stays off for the run: a node answers some calls (its own slots, PING) and
 * refuses the others, and each answer used to bring the tier back until the next refusal.
 * Against real redis-server nodes of this file's own: two each holding half the slots, and one
 * holding none (every key command refused with CLUSTERDOWN, PING answered).
 */
import { join } from 'node:path'
import { Redis } from 'ioredis'
import { afterAll, describe, expect, it } from 'vitest'
import { hasRedisServer, startRedisServer, type PrivateRedis } from '../helpers/redis-server.js'
import { tempDir } from '../helpers/tmp.js'
import { manager } from './_manager.js'

const nodes: PrivateRedis[] = []
afterAll(() => { for (const n of nodes) n.process.kill('SIGKILL') })

async function clusterOfTwo(): Promise<PrivateRedis[]> {
  const dir = tempDir('unperf-cluster-')
  for (const name of ['a', 'b']) nodes.push(await startRedisServer(['--cluster-enabled', 'yes', '--cluster-config-file', join(dir, `nodes-${name}.conf`)]))
  const [a, b] = nodes.map(n => new Redis(n.url))
  try {
    await a!.call('CLUSTER', 'ADDSLOTSRANGE', '0', '8191')
    await b!.call('CLUSTER', 'ADDSLOTSRANGE', '8192', '16383')
    await a!.call('CLUSTER', 'MEET', '127.0.0.1', String(nodes[1]!.port))
    for (let i = 0; i < 200 && !String(await a!.call('CLUSTER', 'INFO')).includes('cluster_state:ok'); i++) await new Promise(r => setTimeout(r, 50))
  } finally {
    a!.disconnect()
    b!.disconnect()
  }
  return nodes
}

/** Calls for ~4.5 s (the backoffs of 1 s and 2 s end inside it); the E_TIER_DOWN reports and the calls that waited. */
async function longRun(url: string): Promise<{ downs: string[]; slowest: number; messages: string[]; close: () => Promise<void> }> {
  const { cache, m, hooks, warnings } = manager({ driver: ['memory', { driver: 'redis', url }], timeout: 2000 })
  const downs: string[] = []
  hooks.hook('cache:error', e => { if (e.code === 'E_TIER_DOWN') downs.push((e.error as Error).message) })
  let slowest = 0
  const end = Date.now() + 4500
  for (let i = 0; Date.now() < end; i++) {
    const start = performance.now()
    await cache.set(`k${i % 20}`, i)
    await cache.get(`k${(i + 7) % 20}`)
    slowest = Math.max(slowest, performance.now() - start)
    await new Promise(r => setTimeout(r, 30))
  }
  return { downs, slowest, messages: warnings, close: () => m.close() }
}

describe.skipIf(!hasRedisServer)('a Redis Cluster url', () => {
  it('the tier fails with an error naming the Cluster, unsupported; the command goes on with the local tier', async () => {
    const [a] = await clusterOfTwo()
    const { cache, m, warnings, hooks } = manager({ driver: ['memory', { driver: 'redis', url: a!.url }], timeout: 2000 })
    const errors: string[] = []
    hooks.hook('cache:error', e => { errors.push((e.error as Error).message) })
    // keys of both halves: some of them are the other node's
    for (let i = 0; i < 10; i++) await cache.set(`k${i}`, i)
    expect(await cache.get('k9')).toBe(9)
    await m.close()
    const why = new RegExp(`127\\.0\\.0\\.1:${a!.port} is a node of a Redis Cluster \\(MOVED \\d+ 127\\.0\\.0\\.1:\\d+\\): the redis driver speaks to one Redis, not to a Cluster`)
    expect(warnings.join('\n')).toMatch(why)
    expect(errors.length).toBeGreaterThan(0)
    for (const message of errors) expect(message).toMatch(why)
  }, 30_000)

  it('a node that answers some keys (its half of the slots): refused once, off for the rest of the run', async () => {
    const a = nodes[0] ?? (await clusterOfTwo())[0]!
    const run = await longRun(a.url)
    await run.close()
    // before: marked down, then up (a key of its own half answered, or the probe's PING), then down again
    expect(run.downs, run.downs.join('\n')).toHaveLength(1)
    expect(run.downs[0]).toMatch(/is a node of a Redis Cluster \(MOVED \d+/)
    expect(run.messages.join('\n')).toMatch(/the redis tier failed \(.*is a node of a Redis Cluster.*\): it is off for this run; commands go on without it \(with a namespace's other tiers, where it has any\)/)
  }, 30_000)

  it('a node of a Cluster with no slot served (CLUSTERDOWN, PING answered): refused once, off for the rest of the run', async () => {
    const lone = await startRedisServer(['--cluster-enabled', 'yes', '--cluster-config-file', join(tempDir('unperf-cluster-lone-'), 'nodes.conf')])
    nodes.push(lone)
    const run = await longRun(lone.url)
    await run.close()
    expect(run.downs, run.downs.join('\n')).toHaveLength(1)
    expect(run.downs[0]).toMatch(/is a node of a Redis Cluster \(CLUSTERDOWN /)
    // refused at once: no call waited a timeout
    expect(run.slowest).toBeLessThan(1000)
  }, 30_000)
})
