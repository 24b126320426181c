/**
 * A redis password never reaches a `cache:error` payload or a warning: ioredis attaches the failed
 * AUTH command (its args: the password) to the errors of the commands queued behind it.
 * Against a redis-server of this file's own, started with --requirepass.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { connect, createServer } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { manager } from '../cache/_manager.js'

const hasRedis = spawnSync('sh', ['-c', 'command -v redis-server']).status === 0
let server: ChildProcess | undefined
let port = 0

beforeAll(async () => {
  if (!hasRedis) return
  port = await new Promise<number>(resolve => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port
      s.close(() => resolve(p))
    })
  })
  server = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--requirepass', 'the-right-one'], { stdio: 'ignore' })
  for (let i = 0; i < 200; i++) {
    const up = await new Promise<boolean>(r => {
      const c = connect(port, '127.0.0.1').once('connect', () => { c.end(); r(true) }).once('error', () => { c.destroy(); r(false) })
    })
    if (up) return
    await new Promise(r => setTimeout(r, 25))
  }
  throw new Error('redis-server did not start')
})
afterAll(() => { server?.kill('SIGKILL') })

/** Everything a logger would write of a payload: errors with their own enumerable properties. */
const serialize = (value: unknown) => JSON.stringify(value, (_k, v: unknown) => (v instanceof Error ? { ...v, message: v.message, stack: v.stack } : v))

describe.skipIf(!hasRedis)('a wrong redis password', () => {
  it('appears in no cache:error payload and no warning', async () => {
    const secret = 'WRONG-SECRET-pw-42'
    for (const tier of [{ driver: 'redis' as const, host: '127.0.0.1', port, password: secret }, { driver: 'redis' as const, url: `redis://default:${secret}@127.0.0.1:${port}/0` }]) {
      const { cache, m, hooks, warnings } = manager({ driver: ['memory', tier], timeout: 2000 })
      const payloads: string[] = []
      hooks.hook('cache:error', (e: unknown) => { payloads.push(serialize(e)) })
      await cache.set('k', 1)
      expect(await cache.get('k')).toBe(1) // the memory tier answers
      await m.close()
      expect(payloads.length).toBeGreaterThan(0)
      expect(payloads.join('\n')).toContain('WRONGPASS')
      expect(payloads.join('\n')).not.toContain(secret)
      expect(serialize(warnings)).not.toContain(secret)
    }
  })
})
