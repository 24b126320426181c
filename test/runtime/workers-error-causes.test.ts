/**
 * An error thrown in a worker thread reaches the caller whole, its cause and an AggregateError's
 * errors included: a structured clone kept a cause's message but dropped its `code` (fetch's
 * "fetch failed" has ECONNREFUSED there, what a caller tests to retry or explain), turned an
 * AggregateError into a plain Error without its `errors`, and a DOMException into an Error.
 */
import { createServer } from 'node:net'
import type { AddressInfo } from 'node:net'
import { describe, expect, it } from 'vitest'
import { createWorkers } from '../../src/runtime/workers.js'
import { runtimeContext } from './_ctx.js'

const fixture = new URL('./fixtures/cpu.mjs', import.meta.url).href

/** A port nothing listens on: one a real server had, closed. */
async function refusedPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>(r => server.listen(0, '127.0.0.1', r))
  const { port } = server.address() as AddressInfo
  await new Promise(r => server.close(r))
  return port
}

describe('workers: an error with causes and inner errors', () => {
  it("fetch's 'fetch failed' keeps its cause's code (ECONNREFUSED), as in the calling thread", async () => {
    const url = `http://127.0.0.1:${await refusedPort()}/`
    const here = await fetch(url).catch((e: unknown) => e) as TypeError & { cause: NodeJS.ErrnoException & { port?: number } }
    const w = createWorkers(runtimeContext({}, { max: 1 }))
    try {
      const there = await w.run(fixture, 'fetchRefused', [url]).catch((e: unknown) => e) as TypeError & { cause: NodeJS.ErrnoException & { port?: number } }
      expect(there).toBeInstanceOf(TypeError)
      expect(there.message).toBe(here.message)
      expect(there.cause).toBeInstanceOf(Error)
      expect(there.cause).toMatchObject({ code: 'ECONNREFUSED', syscall: here.cause.syscall, port: here.cause.port })
    } finally {
      await w.close()
    }
  })

  it('an AggregateError keeps its class and errors (each rebuilt, codes kept), and a cause that is a plain object; a DOMException its class', async () => {
    const w = createWorkers(runtimeContext({}, { max: 1 }))
    try {
      const error = await w.run(fixture, 'failAggregate').catch((e: unknown) => e) as AggregateError
      expect(error).toBeInstanceOf(AggregateError)
      expect(error.message).toBe('both failed')
      expect(error.errors).toHaveLength(2)
      expect(error.errors[0]).toBeInstanceOf(RangeError)
      expect(error.errors[0]).toMatchObject({ message: 'first', code: 'E_ONE' })
      expect(error.errors[1]).toBe('second')
      expect(error.cause).toEqual({ status: 503 })
      const dom = await w.run(fixture, 'failDomException').catch((e: unknown) => e) as DOMException
      expect(dom).toBeInstanceOf(DOMException)
      expect(dom).toMatchObject({ name: 'TimeoutError', message: 'timed out', code: DOMException.TIMEOUT_ERR })
      // a cause that cannot be cloned back is left out: the error itself still arrives
      const outer = await w.run(fixture, 'failUncloneableCause').catch((e: unknown) => e) as Error
      expect(outer).toMatchObject({ message: 'outer' })
      expect(outer.cause).toBeUndefined()
    } finally {
      await w.close()
    }
  })
})
