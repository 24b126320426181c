/**
 * `unperf doctor` showed a Redis Cluster node as healthy (it answers PING), while the redis tier
 * refuses it (E_REDIS_CLUSTER: MOVED or CLUSTERDOWN for the keys it does not serve). Now doctor says
 * so, and exits 1; a Cluster of one node holding every slot works as a tier and passes. Real
 * redis-servers started with cluster support, the real CLI.
 */
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { Redis } from 'ioredis'
import { describe, expect, it } from 'vitest'
import { clusterProblem } from '../../src/cli/commands/doctor.js'
import { hasRedisServer, ownRedisServer } from '../helpers/redis-server.js'
import { tempDir } from '../helpers/tmp.js'
import { unperf } from '../helpers/unperf-cli.js'

const nodeDir = tempDir('unperf-doctor-cluster-')
const own = ownRedisServer(['--cluster-enabled', 'yes', '--dir', nodeDir, '--cluster-config-file', 'nodes.conf'])

function doctor(url: string) {
  const dir = tempDir('unperf-doctor-cluster-project-')
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'doctor-cluster', version: '1.0.0' }))
  writeFileSync(join(dir, 'perf.config.json'), JSON.stringify({ cache: { driver: ['memory', { driver: 'redis', url }] }, report: { console: false } }))
  return unperf(dir, 'doctor', '--json')
}

describe('clusterProblem (CLUSTER INFO)', () => {
  it('a standalone Redis (CLUSTER INFO refused) and a one-node Cluster with every slot are fine', () => {
    expect(clusterProblem(undefined)).toBeUndefined()
    expect(clusterProblem('cluster_state:ok\r\ncluster_slots_assigned:16384\r\ncluster_known_nodes:1\r\n')).toBeUndefined()
  })
  it('other nodes, or slots not assigned, are a problem naming both', () => {
    expect(clusterProblem('cluster_state:ok\r\ncluster_slots_assigned:16384\r\ncluster_known_nodes:3\r\n')).toBe('3 nodes, 16384 of 16384 slots assigned')
    expect(clusterProblem('cluster_state:fail\r\ncluster_slots_assigned:0\r\ncluster_known_nodes:1\r\n')).toBe('1 node, 0 of 16384 slots assigned')
  })
})

describe.skipIf(!hasRedisServer)('unperf doctor and a Redis Cluster node', () => {
  it('a node that does not serve every slot: a redis problem naming the Cluster, exit 1; once it serves all 16384, it passes', async () => {
    const bad = doctor(own.url)
    expect(bad.code).toBe(1)
    const row = (bad.json() as { checks: { check: string; ok: boolean; detail: string }[] }).checks.find(c => c.check === 'redis')!
    expect(row.ok).toBe(false)
    expect(row.detail).toContain('is a node of a Redis Cluster (1 node, 0 of 16384 slots assigned)')
    expect(row.detail).toContain('E_REDIS_CLUSTER')
    const admin = new Redis(own.url)
    try {
      await admin.call('CLUSTER', 'ADDSLOTSRANGE', '0', '16383')
    } finally {
      await admin.quit()
    }
    const good = doctor(own.url)
    const ok = (good.json() as { checks: { check: string; ok: boolean; detail: string }[] }).checks.find(c => c.check === 'redis')!
    expect(ok.ok, ok.detail).toBe(true)
  })
})
