/**
 * A redis-server of a test file's own (to freeze, kill or start with --requirepass), on a free
 * loopback port, without persistence. The run-wide one is test/setup/redis.ts.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { connect, createServer } from 'node:net'
import { Redis } from 'ioredis'
import { afterAll, beforeAll } from 'vitest'

export const hasRedisServer = spawnSync('sh', ['-c', 'command -v redis-server']).status === 0

function freePort(): Promise<number> {
  return new Promise(resolve => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port
      s.close(() => resolve(port))
    })
  })
}

async function waitForPort(port: number): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const up = await new Promise<boolean>(r => {
      const c = connect(port, '127.0.0.1').once('connect', () => { c.end(); r(true) }).once('error', () => { c.destroy(); r(false) })
    })
    if (up) return
    await new Promise(r => setTimeout(r, 25))
  }
  throw new Error('redis-server did not start')
}

export interface PrivateRedis { port: number; url: string; process: ChildProcess }

/** Starts one and waits until it accepts connections; `extraArgs` e.g. ['--requirepass', 'x']. Kill it with `process.kill('SIGKILL')`. */
export async function startRedisServer(extraArgs: string[] = []): Promise<PrivateRedis> {
  const port = await freePort()
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', ...extraArgs], { stdio: 'ignore' })
  await waitForPort(port)
  return { port, url: `redis://127.0.0.1:${port}`, process: child }
}

/**
 * A redis-server of the calling test file's own, started in its beforeAll and killed in its afterAll
 * (SIGCONT first: a test may have frozen it); `raw: true` adds an ioredis client on it. The fields
 * are set once beforeAll ran (url '' and no process where redis-server is missing).
 */
export function ownRedisServer(extraArgs: string[] = [], options: { raw?: boolean } = {}): { url: string; port: number; process: ChildProcess | undefined; raw: Redis | undefined } {
  const own: { url: string; port: number; process: ChildProcess | undefined; raw: Redis | undefined } = { url: '', port: 0, process: undefined, raw: undefined }
  beforeAll(async () => {
    if (!hasRedisServer) return
    const r = await startRedisServer(extraArgs)
    Object.assign(own, { url: r.url, port: r.port, process: r.process })
    if (options.raw) own.raw = new Redis(r.url)
  })
  afterAll(async () => {
    await own.raw?.quit()
    own.process?.kill('SIGCONT')
    own.process?.kill('SIGKILL')
  })
  return own
}
