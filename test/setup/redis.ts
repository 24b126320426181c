/**
 * Vitest globalSetup: a real redis-server on a free loopback port (or REDIS_URL when set),
 * provided to tests as `inject('redisUrl')`. Missing redis: loud skip on a laptop, failure with CI=true.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer, connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { TestProject } from 'vitest/node'

declare module 'vitest' {
  export interface ProvidedContext {
    redisUrl: string | undefined
    redisPid: number | undefined
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))))
    })
  })
}

function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs
  return new Promise((resolve, reject) => {
    const attempt = () => {
      const socket = connect(port, '127.0.0.1')
      socket.once('connect', () => { socket.end(); resolve() })
      socket.once('error', () => {
        socket.destroy()
        if (Date.now() > deadline) reject(new Error(`redis-server did not listen on ${port} within ${timeoutMs}ms`))
        else setTimeout(attempt, 50)
      })
    }
    attempt()
  })
}

let child: ChildProcess | undefined
let dir: string | undefined

export default async function setup(project: TestProject) {
  if (process.env.REDIS_URL) {
    project.provide('redisUrl', process.env.REDIS_URL)
    project.provide('redisPid', undefined)
    return
  }
  const which = spawnSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' })
  const bin = which.stdout.trim()
  if (!bin) {
    if (process.env.CI === 'true' || process.env.CI === '1') {
      throw new Error('[unperf tests] redis-server is not installed and CI=true: Redis tests cannot be skipped in CI (apt-get install -y redis-server)')
    }
    console.warn('\n\x1b[33m[unperf tests] redis-server not found: ALL REDIS TESTS ARE SKIPPED. Install it (apt-get install redis-server) or set REDIS_URL.\x1b[0m\n')
    project.provide('redisUrl', undefined)
    project.provide('redisPid', undefined)
    return
  }
  const port = await freePort()
  dir = mkdtempSync(join(tmpdir(), 'unperf-redis-'))
  child = spawn(bin, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--daemonize', 'no'], { stdio: 'ignore' })
  await waitForPort(port, 10_000)
  project.provide('redisUrl', `redis://127.0.0.1:${port}`)
  project.provide('redisPid', child.pid)
  return async () => {
    child?.kill('SIGKILL')
    if (dir) rmSync(dir, { recursive: true, force: true })
  }
}
