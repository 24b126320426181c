/**
 * What a failed task tells an 'adaptive' pool (overload.ts): a refusal (429, 503, 504, Retry-After),
 * a loss (a timeout, a reset or refused connection), or nothing about congestion. The network
 * errors are real ones: fetch() against a closed port and a server that drops the connection.
 */
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { describe, expect, it } from 'vitest'
import { overload, retryAfter } from '../../src/runtime/overload.js'
import { Pool } from '../../src/runtime/pool.js'
import { pool } from './_ctx.js'

const failure = (run: () => Promise<unknown>): Promise<unknown> => run().then(() => { throw new Error('expected a failure') }, (error: unknown) => error)

describe('overload(): refusals', () => {
  it.each([
    ['status 429 (a fetch wrapper, ofetch)', { status: 429 }],
    ['statusCode 503 (got, node:http)', Object.assign(new Error('Service Unavailable'), { statusCode: 503 })],
    ['response.status 504 (axios, ky)', Object.assign(new Error('Gateway Timeout'), { response: { status: 504 } })],
    ['a thrown Response 429', new Response('slow down', { status: 429 })],
    ['Retry-After on an error answer (a Headers)', Object.assign(new Error('HTTP 500'), { response: new Response('', { status: 500, headers: { 'retry-after': '5' } }) })],
    ['Retry-After on an error answer (plain headers)', { response: { statusCode: 500, headers: { 'retry-after': '5' } } }],
    ["Retry-After on the error's own headers (undici's ResponseError: statusCode, headers)", Object.assign(new Error('Response Error'), { statusCode: 500, headers: { 'retry-after': '2' } })],
    ['$metadata.httpStatusCode 503 (the AWS SDK)', Object.assign(new Error('SlowDown'), { $metadata: { httpStatusCode: 503 } })],
    ['on the cause', new Error('upload failed', { cause: { status: 429 } })],
  ])('%s', (_, error) => {
    expect(overload(error)).toBe('refused')
  })
})

describe('overload(): losses', () => {
  it("fetch() against a closed port (TypeError 'fetch failed', ECONNREFUSED on its cause)", async () => {
    const server = createServer()
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
    const { port } = server.address() as AddressInfo
    await new Promise(resolve => server.close(resolve))
    const error = await failure(() => fetch(`http://127.0.0.1:${port}/`))
    expect(error).toBeInstanceOf(TypeError)
    expect(overload(error)).toBe('lost')
  })

  it('fetch() of a server that drops the connection (reset or closed socket, on the cause)', async () => {
    const server = createServer((req) => { req.socket.destroy() })
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
    try {
      const error = await failure(() => fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`))
      expect(overload(error)).toBe('lost')
    } finally {
      await new Promise(resolve => server.close(resolve))
    }
  })

  it("the pool's own timeout, and AbortSignal.timeout()'s", async () => {
    const p = new Pool('t', pool({ timeout: 20 }), undefined)
    const timedOut = await failure(() => p.run(signal => new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason)))))
    expect(timedOut).toMatchObject({ name: 'TimeoutError' })
    expect(overload(timedOut)).toBe('lost')
    const aborted = await failure(() => new Promise((_, reject) => { const s = AbortSignal.timeout(5); s.addEventListener('abort', () => reject(s.reason)) }))
    expect(overload(aborted)).toBe('lost')
  })

  it('a code on the error itself (as node:net gives it)', () => {
    expect(overload(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }))).toBe('lost')
    expect(overload(Object.assign(new Error('connect ETIMEDOUT'), { code: 'ETIMEDOUT' }))).toBe('lost')
  })
})

describe('overload(): not congestion', () => {
  it.each([
    ['a 404', Object.assign(new Error('HTTP 404'), { status: 404 })],
    ['a 500', { response: { status: 500 } }],
    ['Retry-After on a success', { response: new Response('', { status: 200, headers: { 'retry-after': '5' } }) }],
    ['a bug', new TypeError("Cannot read properties of undefined (reading 'x')")],
    ['a file that is not there', Object.assign(new Error('ENOENT'), { code: 'ENOENT' })],
    ['a string', '429'],
    ['null', null],
    ['a status that is a string', { status: '429' }],
  ])('%s', (_, error) => {
    expect(overload(error)).toBeUndefined()
  })

  it('a cause chain that loops ends', () => {
    const a: { cause?: unknown } = {}
    a.cause = a
    expect(overload(a)).toBeUndefined()
  })
})

describe('retryAfter(): the ms a refusal asks to wait (RFC 9110: seconds or an HTTP date)', () => {
  const now = Date.parse('2026-12-08T03:00:00Z')
  it.each([
    ['seconds, on a Response (ky)', { response: new Response('', { status: 429, headers: { 'retry-after': '3' } }) }, 3000],
    ['a thrown Response', new Response('', { status: 503, headers: { 'Retry-After': '1' } }), 1000],
    ['plain headers (got, node:http)', { response: { statusCode: 429, headers: { 'retry-after': '120' } } }, 120_000],
    ['plain headers spelt Retry-After', { response: { status: 503, headers: { 'Retry-After': '0' } } }, 0],
    ["the error's own headers (undici)", { statusCode: 429, headers: { 'retry-after': '5' } }, 5000],
    ["a response without a status, under the error's 429", { status: 429, response: { headers: { 'retry-after': '2' } } }, 2000],
    ['an HTTP date', { response: { status: 429, headers: { 'retry-after': 'Tue, 08 Dec 2026 03:00:07 GMT' } } }, 7000],
    ['an HTTP date past: no wait', { response: { status: 429, headers: { 'retry-after': 'Tue, 08 Dec 2026 02:59:00 GMT' } } }, 0],
    ['on the cause', new Error('upload failed', { cause: { response: { status: 429, headers: { 'retry-after': '4' } } } }), 4000],
  ])('%s', (_, error, ms) => {
    expect(retryAfter(error, now)).toBe(ms)
  })

  it.each([
    ['none', { status: 429 }],
    ['on a success', { response: new Response('', { status: 200, headers: { 'retry-after': '5' } }) }],
    ['neither a delay nor a date', { response: { status: 429, headers: { 'retry-after': 'soon' } } }],
    ['a negative delay', { response: { status: 429, headers: { 'retry-after': '-5' } } }],
    ['no status anywhere', { headers: { 'retry-after': '5' } }],
    ['not an object', 'retry-after: 5'],
  ])('undefined: %s', (_, error) => {
    expect(retryAfter(error, now)).toBeUndefined()
  })
})
