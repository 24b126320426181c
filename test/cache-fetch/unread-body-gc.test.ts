/**
 * An answer passed through as fetch gave it (no-store, private, a redirect, BYPASS: mark()) wraps the
 * body stream of fetch's own Response, which undici cancels once that Response is garbage collected
 * unread. A GC between the call and the caller's read (awaiting another call first, as
 * `Promise.all([a, b])` then `a.text()`) left `Body is unusable: Body has already been read` (CI:
 * across-processes.test.ts under load).
 */
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { expect, it } from 'vitest'
import { realCache, server } from './_setup.js'

setFlagsFromString('--expose-gc')
const gc = runInNewContext('gc') as () => void

it('a no-store answer stays readable after garbage collections before its body is read', async () => {
  const s = await server((_req, res) => { res.writeHead(200, { 'cache-control': 'no-store' }).end('answer') })
  const { cache } = realCache()
  const res = await cache.fetch(`${s.url}/private`)
  expect(res.headers.get('x-unperf-cache')).toBe('MISS')
  for (let i = 0; i < 5; i++) {
    gc()
    await new Promise(resolve => setTimeout(resolve, 20))
  }
  expect(await res.text()).toBe('answer')
})
