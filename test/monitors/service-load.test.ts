/**
 * A long-running service (fixtures/service.ts: perf.run per request, cache work, user metrics,
 * monitors with a Prometheus server) scraped while 100 requests run at once: every scrape must be
 * valid text format by a strict reader, the figures must add up once the load is done, and after
 * perf.close() the metrics port is closed and the process exits by itself.
 */
import { createServer } from 'node:net'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { tempDir } from '../helpers/tmp.js'
import { readStrict, type StrictFamily } from '../metrics/_strict-prom.js'
import { bundleFixture, runNode } from './_child.js'

const ROUTES = ['GET /a', 'GET "quoted"', 'GET back\\slash', 'GET new\nline']
const ROUNDS = 4
const CONCURRENT = 100

async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>(done => server.listen(0, '127.0.0.1', done))
  const { port } = server.address() as { port: number }
  await new Promise<void>(done => server.close(() => done()))
  return port
}

/** The value of the one sample of `name` whose labels include `labels`. */
function value(families: Map<string, StrictFamily>, family: string, name: string, labels: Record<string, string>): number | undefined {
  return families.get(family)?.samples.find(s => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value
}

describe('a service with monitors under load', () => {
  it('serves valid /metrics text while 100 requests run at once; the figures add up; close() ends it', async () => {
    const file = await bundleFixture(fileURLToPath(new URL('./fixtures/service.ts', import.meta.url)), { external: true })
    const dir = tempDir()
    const promPort = await freePort()
    const child = runNode(file, { SERVICE_DIR: dir, CACHE_DIR: join(dir, 'cache'), PROM_PORT: String(promPort) }, { stdin: true })
    try {
      const port = Number((await child.line(/ready (\d+)/))[1])
      const scrape = () => fetch(`http://127.0.0.1:${promPort}/metrics`).then(r => r.text())
      const scrapes: Array<Promise<string>> = []
      for (let round = 0; round < ROUNDS; round++) {
        const load = Array.from({ length: CONCURRENT }, (_, i) => fetch(`http://127.0.0.1:${port}/${round * CONCURRENT + i}`).then(r => r.text()))
        scrapes.push(scrape())
        await new Promise(r => setTimeout(r, 20))
        scrapes.push(scrape())
        expect((await Promise.all(load)).every(body => /^\d+$/.test(body))).toBe(true)
      }
      for (const text of await Promise.all(scrapes)) expect(readStrict(text).errors).toEqual([])

      const { errors, families } = readStrict(await scrape())
      expect(errors).toEqual([])
      const total = ROUNDS * CONCURRENT
      for (const route of ROUTES) {
        // label values round-trip through the escapes: quotes, backslashes, line feeds
        expect(value(families, 'acme_svc_commands_total', 'acme_svc_commands_total', { command: route, status: 'ok' }), route).toBe(total / ROUTES.length)
        expect(value(families, 'acme_svc_command_duration_seconds', 'acme_svc_command_duration_seconds_count', { command: route }), route).toBe(total / ROUTES.length)
        expect(value(families, 'acme_svc_requests_total', 'acme_svc_requests_total', { route }), route).toBe(total / ROUTES.length)
        expect(value(families, 'acme_svc_request_seconds', 'acme_svc_request_seconds_count', { route }), route).toBe(total / ROUTES.length)
      }
      const hits = value(families, 'acme_svc_cache_hits_total', 'acme_svc_cache_hits_total', { namespace: 'default' })!
      const misses = value(families, 'acme_svc_cache_misses_total', 'acme_svc_cache_misses_total', { namespace: 'default' })!
      expect(hits + misses).toBe(total)
      expect(misses).toBeGreaterThanOrEqual(20) // 20 keys, each computed at least once
      expect(value(families, 'acme_svc_inflight', 'acme_svc_inflight', {})).toBe(0)
      expect(families.get('acme_svc_requests_total')!.help).toBe('Requests "served" by route.\\nOne per request.')

      child.proc.stdin!.end()
      await child.line(/closed/)
      await expect(scrape()).rejects.toThrow() // the metrics server is closed
      // 10 s is a hang guard, not a speed check
      const exit = await Promise.race([child.exited, new Promise(r => setTimeout(() => r('hung'), 10_000).unref())])
      expect(exit, child.stderr()).toEqual({ code: 0, signal: null })
      expect(child.stderr()).toBe('')
    } finally {
      child.proc.kill()
    }
  }, 60_000)
})
