import { createServer, type IncomingMessage } from 'node:http'
import type { AddressInfo } from 'node:net'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { pushMetrics } from '../../src/runtime/monitors/prometheus.js'
import { bundleFixture, runNode } from './_child.js'

async function gateway(status = 200, answer = '') {
  const received: { url?: string; body: string; connection?: string }[] = []
  const server = createServer((req: IncomingMessage, res) => {
    let body = ''
    req.on('data', d => { body += d })
    req.on('end', () => { received.push({ url: req.url, body, connection: req.headers.connection }); res.writeHead(status).end(answer) })
  })
  await new Promise<void>(r => server.listen(0, '127.0.0.1', r))
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received, close: () => server.close() }
}

describe('pushMetrics', () => {
  it('leaves no socket holding the process after the push (fetch kept one ~300 ms: a short-lived CLI exited that much later)', async () => {
    const gw = await gateway()
    try {
      const file = await bundleFixture(fileURLToPath(new URL('./fixtures/push-exit.ts', import.meta.url)))
      const child = runNode(file, {}, { args: [gw.url] })
      const { code } = await child.exited
      expect(code, child.stderr()).toBe(0)
      const out = JSON.parse(child.stdout()) as { resources: string[] }
      expect(out.resources.filter(r => r.startsWith('TCP'))).toEqual([])
      expect(gw.received).toMatchObject([{ url: '/metrics/job/ci', body: 'acme_runs_total 1\n', connection: 'close' }])
    } finally {
      gw.close()
    }
  })

  it('a job name with a slash (or an empty one) goes base64url-encoded, as the pushgateway asks', async () => {
    const gw = await gateway()
    try {
      await pushMetrics(`${gw.url}/base/`, 'nightly/build', 'x 1\n')
      await pushMetrics(gw.url, '', 'x 1\n')
      await pushMetrics(gw.url, 'nightly build', 'x 1\n')
      expect(gw.received.map(r => r.url)).toEqual([
        `/base/metrics/job@base64/${Buffer.from('nightly/build').toString('base64url')}`,
        '/metrics/job@base64/=',
        '/metrics/job/nightly%20build',
      ])
    } finally {
      gw.close()
    }
  })

  it('a non-2xx answer and a url that is not http(s) are errors (the monitor turns them into a warning)', async () => {
    const gw = await gateway(500)
    try {
      await expect(pushMetrics(gw.url, 'ci', 'x 1\n')).rejects.toThrow(/answered 500/)
      await expect(pushMetrics('ftp://127.0.0.1/', 'ci', 'x 1\n')).rejects.toThrow(/expected an http/)
    } finally {
      gw.close()
    }
  })

  it('a refused push says why, in the pushgateway\'s own words (its answer\'s body), cut to 300 characters', async () => {
    // what a real pushgateway answers a push that clashes with a metric another push registered
    const why = 'pushed metrics are invalid or inconsistent with existing metrics: collected metric "acme_jobs_total" { counter:<value:1 > } has help "Jobs." but should have "Jobs processed."\n'
    const gw = await gateway(400, why)
    try {
      await expect(pushMetrics(gw.url, 'ci', 'x 1\n')).rejects.toThrow(
        'answered 400 Bad Request: pushed metrics are invalid or inconsistent with existing metrics: collected metric "acme_jobs_total" { counter:<value:1 > } has help "Jobs." but should have "Jobs processed."')
    } finally {
      gw.close()
    }
    const long = await gateway(400, 'x'.repeat(5000))
    try {
      const error = await pushMetrics(long.url, 'ci', 'x 1\n').catch((e: Error) => e)
      expect((error as Error).message).toMatch(/: x{300}…$/)
    } finally {
      long.close()
    }
  })
})
