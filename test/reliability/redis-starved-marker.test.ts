/**
 * A process too slow to hear Redis (starved of CPU: a dozen CLIs starting at once on two cores)
 * must not tell the machine's other processes that Redis is down (the `.redis-down-*` marker in the
 * cache dir: they skipped a Redis that answered for 10 s, about one process in twelve in session
 * 23's fleet audit); a Redis that does not answer still is, as soon as before. Real processes
 * (test/reliability/fixtures/redis-first-call.mjs, on dist), a real redis-server.
 *
 * Starved deterministically: a TCP proxy holds what the process sends until it has stopped the
 * process (SIGSTOP, once it sleeps waiting for the replies), then lets Redis answer at once and
 * continues it (SIGCONT) after its first call's deadline (1 s): its timer fires late, and it reads
 * Redis' replies only then, as a process that got no CPU for a while does. The frozen redis-server
 * (SIGSTOP): redis-frozen-one-timeout.test.ts.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { connect, createServer, type Server, type Socket } from 'node:net'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { hasRedisServer, ownRedisServer } from '../helpers/redis-server.js'
import { tempDir } from '../helpers/tmp.js'

const dist = join(import.meta.dirname, '../../dist/index.mjs')
const fixture = join(import.meta.dirname, 'fixtures/redis-first-call.mjs')
const redis = ownRedisServer([], { raw: true })
const linux = existsSync('/proc/self/stat')
const closers: (() => void)[] = []
afterAll(() => { for (const close of closers.splice(0)) close() })

/** The fixture's process: its stdout lines as they come, its stderr, its exit. */
function start(url: string, ...extra: string[]) {
  const child = spawn(process.execPath, [fixture, dist, tempDir(), url, ...extra], { stdio: ['ignore', 'pipe', 'pipe'] })
  closers.push(() => { child.kill('SIGCONT'); child.kill('SIGKILL') })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', d => { stdout += d })
  child.stderr.on('data', d => { stderr += d })
  const exited = new Promise<{ marker: boolean; stderr: string }>((resolve, reject) => {
    child.on('exit', code => {
      if (code !== 0) return reject(new Error(`exit ${code}: ${stderr}`))
      resolve({ marker: (JSON.parse(stdout.trim().split('\n').at(-1)!) as { marker: boolean }).marker, stderr })
    })
  })
  return { child, exited }
}

/** Resolves once the process's main thread sleeps (waits for I/O), seen twice in a row. */
async function asleep(child: ChildProcess): Promise<void> {
  for (let seen = 0; seen < 2;) {
    await new Promise(r => setTimeout(r, 20))
    const state = readFileSync(`/proc/${child.pid}/stat`, 'utf8').replace(/^.*\) /s, '')[0]
    seen = state === 'S' ? seen + 1 : 0
  }
}

function listen(server: Server): Promise<string> {
  return new Promise(resolve => server.listen(0, '127.0.0.1', () => resolve(`redis://127.0.0.1:${(server.address() as { port: number }).port}`)))
}

/** The fixture's process, starved through a proxy to the test's Redis (see above). */
async function starved(...extra: string[]): Promise<{ marker: boolean; stderr: string }> {
  let process_: ReturnType<typeof start> | undefined
  let stopped: Promise<void> | undefined
  const proxy = createServer(client => {
    const up = connect(redis.port, '127.0.0.1')
    const held: Buffer[] = []
    let holding = true
    client.on('data', d => {
      if (!holding) return void up.write(d)
      held.push(d)
      // the first bytes: the process is connected and waits for the handshake's replies
      stopped ??= (async () => {
        await asleep(process_!.child)
        process_!.child.kill('SIGSTOP')
        holding = false
        for (const h of held) up.write(h)
        // past its first call's deadline (1 s from the call, which began before it connected)
        await new Promise(r => setTimeout(r, 1300))
        process_!.child.kill('SIGCONT')
      })()
    })
    up.on('data', d => client.write(d))
    for (const [a, b] of [[client, up], [up, client]] as [Socket, Socket][]) {
      a.on('error', () => b.destroy())
      a.on('close', () => b.destroy())
    }
  })
  closers.push(() => proxy.close())
  process_ = start(await listen(proxy), ...extra)
  return process_.exited
}

describe.skipIf(!hasRedisServer || !linux)('the machine-wide "Redis is down" marker', () => {
  it('a process too slow to read a healthy Redis\'s replies in time skips it for itself, says so, and does not mark it down for the others', async () => {
    const { marker, stderr } = await starved()
    // it timed out (its deadline checked 1.3 s late, Redis' replies read only then) ...
    expect(stderr).toMatch(/the redis tier failed \(redis cache tier timed out after 1000ms: this process was too slow, not redis \(/)
    expect(stderr).toMatch(/not marked down for the machine's other processes/)
    // ... said once, and the other processes are not told to skip Redis (before: the marker, for 10 s)
    expect(stderr.match(/the redis tier failed/g)).toHaveLength(1)
    expect(marker).toBe(false)
  }, 30_000)

  it('its run still reaches report.historyDriver on that Redis (it was not Redis that was slow)', async () => {
    const before = (await redis.raw!.keys('*history*')).length
    const { stderr } = await starved('history')
    expect(stderr).toMatch(/this process was too slow, not redis/)
    // before: 'report.historyDriver could not be read (redis found down earlier in this run …)', the run not written
    expect(stderr).not.toMatch(/historyDriver/)
    expect((await redis.raw!.keys('*history*')).length).toBe(before + 1)
  }, 30_000)

  it('a port that never answers the connect (black-holed) is still marked down at the first call\'s bound', async () => {
    // a listening socket whose process never accepts (its event loop blocked for good): the kernel
    // completes the connects its backlog (1) holds; fillers take it, and later SYNs are dropped
    const hole = spawn(process.execPath, ['-e', `
      const s = require('node:net').createServer().listen({ port: 0, host: '127.0.0.1', backlog: 1 }, () => {
        process.stdout.write(String(s.address().port) + '\\n')
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0)
      })`], { stdio: ['ignore', 'pipe', 'inherit'] })
    closers.push(() => hole.kill('SIGKILL'))
    const port = Number(await new Promise<string>(resolve => hole.stdout.once('data', d => resolve(String(d)))))
    const fillers = [0, 1, 2].map(() => connect(port, '127.0.0.1').on('error', () => {}))
    closers.push(() => { for (const f of fillers) f.destroy() })
    const { marker, stderr } = await start(`redis://127.0.0.1:${port}`).exited
    expect(stderr).toMatch(/the redis tier failed \(redis cache tier timed out after 1000ms: no connection to 127\.0\.0\.1:\d+ \(the connect was not answered\)\)/)
    expect(marker).toBe(true)
  }, 30_000)
})
