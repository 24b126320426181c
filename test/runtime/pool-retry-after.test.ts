/**
 * A pool's retry of a task refused with Retry-After waits at least what the service asked (as got,
 * ky and undici's RetryAgent do), in seconds or as an HTTP date; past the call's `maxBackoff` the task
 * fails at once with the refusal, and an aborted signal still ends the wait. Real HTTP on loopback
 * (node:http, the global fetch and http.get); the times are the server's: when it answered the
 * refusal and when the retry reached it. Only lower bounds on waits (a loaded machine only delays).
 * Before, the retry came after the backoff alone (0-10 ms here).
 */
import { createServer, get as httpGet } from 'node:http'
import type { IncomingHttpHeaders, Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Pool } from '../../src/runtime/pool.js'
import { AdaptiveLimit } from '../../src/runtime/pool-adaptive.js'
import { pool, runtimeContext } from './_ctx.js'

/** Per path: the Retry-After the first request of `/<key>?after=<value>` is refused with (429), and when each request came. */
const seen = new Map<string, { arrived: number[]; refusedAt: number; wall: number[] }>()

let server: Server
let base: string

beforeAll(async () => {
  server = createServer((req, res) => {
    const url = new URL(req.url!, 'http://x')
    const entry = seen.get(url.pathname) ?? { arrived: [], refusedAt: 0, wall: [] }
    seen.set(url.pathname, entry)
    entry.arrived.push(performance.now())
    entry.wall.push(Date.now())
    const after = url.searchParams.get('after')
    if (entry.arrived.length === 1 && after !== null) {
      res.statusCode = 429
      res.setHeader('retry-after', after === 'date' ? new Date(Date.now() + 2000).toUTCString() : after)
      res.end('slow down')
      entry.refusedAt = performance.now()
      return
    }
    res.end('ok')
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})

afterAll(async () => {
  server.closeAllConnections()
  await new Promise(resolve => server.close(resolve))
})

/** fetch, throwing as ky does: the Response on the error */
async function fetchKy(path: string, signal?: AbortSignal): Promise<string> {
  const res = await fetch(base + path, { signal })
  const body = await res.text()
  if (!res.ok) throw Object.assign(new Error(`HTTP ${res.status}`), { name: 'HTTPError', response: res })
  return body
}

/** http.get, throwing as got does: statusCode and the response's plain headers */
function getGot(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    httpGet(base + path, res => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => { body += chunk })
      res.on('end', () => {
        const status = res.statusCode!
        if (status < 400) resolve(body)
        else reject(Object.assign(new Error(`Response code ${status}`), { name: 'HTTPError', response: { statusCode: status, headers: res.headers as IncomingHttpHeaders, body } }))
      })
    }).on('error', reject)
  })
}

/** ms from the refusal to the retry's arrival, both at the server */
const gap = (path: string): number => { const e = seen.get(path)!; return e.arrived[1]! - e.refusedAt }

describe('a retry waits at least the Retry-After of a refusal', () => {
  it.each([
    ['a fixed pool, got-style error (plain headers)', 'fixed', getGot],
    ["an 'adaptive' pool, ky-style error (a Response)", 'adaptive', (path: string) => fetchKy(path)],
  ] as const)('Retry-After: 1 (seconds), %s', async (_, mode, call) => {
    const ctx = runtimeContext()
    const delays: number[] = []
    ctx.hooks.hook('task:retry', e => { delays.push(e.delay!) })
    const adaptive = mode === 'adaptive' ? new AdaptiveLimit(2, 1, 8) : undefined
    const p = new Pool('api', pool({ concurrency: mode === 'adaptive' ? 'adaptive' : 2, retries: 2, backoff: 10, maxBackoff: 5000 }), ctx, adaptive)
    const path = `/seconds-${mode}`
    await expect(p.run(() => call(`${path}?after=1`))).resolves.toBe('ok')
    expect(seen.get(path)!.arrived).toHaveLength(2)
    expect(gap(path), `retried ${gap(path).toFixed(0)} ms after the refusal`).toBeGreaterThanOrEqual(1000)
    // the delay used, not the backoff's (0-10 ms): what the service asked
    expect(delays).toHaveLength(1)
    expect(delays[0]).toBeGreaterThanOrEqual(1000)
    expect(delays[0]).toBeLessThan(1000 + 10 + 2)
    expect(p.stats()).toMatchObject({ completed: 1, failed: 0, retries: 1 })
  }, 20_000)

  it('Retry-After as an HTTP date: not retried before that date', async () => {
    const ctx = runtimeContext()
    const delays: number[] = []
    ctx.hooks.hook('task:retry', e => { delays.push(e.delay!) })
    const p = new Pool('api', pool({ retries: 1, backoff: 10, maxBackoff: 10_000 }), ctx)
    await expect(p.run(() => fetchKy('/date?after=date'))).resolves.toBe('ok')
    const e = seen.get('/date')!
    // the date is whole seconds, 1-2 s after the refusal; the retry reached the server at or after it
    const asked = Date.parse(new Date(e.wall[0]! + 2000).toUTCString())
    expect(e.wall[1]!, `${e.wall[1]! - asked} ms after the date`).toBeGreaterThanOrEqual(asked)
    expect(delays[0]).toBeGreaterThanOrEqual(asked - e.wall[0]! - 50) // the date, read when the refusal came back
    expect(delays[0]).toBeGreaterThan(900)
  }, 20_000)

  it('a Retry-After past maxBackoff fails the task at once with the refusal itself, not retried', async () => {
    const ctx = runtimeContext()
    let retries = 0
    ctx.hooks.hook('task:retry', () => { retries++ })
    const p = new Pool('api', pool({ retries: 3, backoff: 10, maxBackoff: 1000 }), ctx)
    const started = performance.now()
    const error = await p.run(() => fetchKy('/far?after=120')).then(() => undefined, (e: unknown) => e)
    expect(error).toMatchObject({ name: 'HTTPError', message: 'HTTP 429' })
    expect((error as { response: Response }).response.headers.get('retry-after')).toBe('120')
    // not 120 s, nor the backoff's retries (a bound far from any wait it could have made)
    expect(performance.now() - started).toBeLessThan(60_000)
    expect(seen.get('/far')!.arrived).toHaveLength(1)
    expect(retries).toBe(0)
    expect(p.stats()).toMatchObject({ failed: 1, retries: 0 })
    // the same refusal under the call's own larger maxBackoff is waited (the timer is cut by the signal below)
  }, 20_000)

  it('an aborted signal ends the wait at once: rejected with its reason, not retried', async () => {
    const ctx = runtimeContext()
    const p = new Pool('api', pool({ retries: 1, backoff: 10, maxBackoff: 10_000 }), ctx)
    const controller = new AbortController()
    ctx.hooks.hook('task:retry', () => { setTimeout(() => controller.abort(new Error('stop')), 50) })
    const started = performance.now()
    // a call's own maxBackoff of 5 min: a Retry-After of 120 s is waited, until the abort
    const error = await p.run(signal => fetchKy('/abort?after=120', signal), { signal: controller.signal, maxBackoff: '5m' }).then(() => undefined, (e: unknown) => e)
    expect(error).toMatchObject({ message: 'stop' })
    expect(performance.now() - started).toBeLessThan(60_000)
    expect(seen.get('/abort')!.arrived).toHaveLength(1)
    expect(p.stats()).toMatchObject({ cancelled: 1, retries: 1 })
    await p.onIdle()
  }, 20_000)
})
