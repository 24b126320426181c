/**
 * A Redis Cluster is not supported (the redis driver speaks to one Redis): a url of one of its nodes
 * fails the tier with an error that says so, not with Redis' bare `MOVED 13137 127.0.0.1:7001`.
 * Against two real redis-server nodes of this file's own, each holding half the slots.
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
})
