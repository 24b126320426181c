/** A real cache manager (memory + fs tiers in a temp dir) and a real node:http server on 127.0.0.1. */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll } from 'vitest'
import { createHookRegistry } from '../../src/hooks/registry.js'
import { resolveTiers } from '../../src/config/resolve-cache.js'
import { createCacheManager } from '../../src/runtime/cache/index.js'
import type { ResolvedPerfConfig } from '../../src/config/types.js'
import { tempDir } from '../helpers/tmp.js'

export function realCache(o: { ttl?: number | false; staleIfError?: number | false; dir?: string; enabled?: boolean } = {}) {
  const dir = o.dir ?? tempDir('unperf-fetch-cache-')
  const cwd = tempDir('unperf-fetch-cwd-')
  const tiers = resolveTiers({ issue: (p, e) => { throw new Error(`${p}: ${e}`) }, path: p => p }, ['memory', 'fs'], 'cache.driver', dir)
  const root = {
    ttl: o.ttl ?? 600_000, tiers, maxSize: 100e6, policy: 'tinylfu', swr: false, staleIfError: o.staleIfError ?? false, sliding: false, compress: 4000, integrity: true,
  }
  const config = {
    name: 'fetch-test', version: '1.0.0', cwd, rootDir: cwd, env: 'test',
    cache: { enabled: o.enabled ?? true, dir, ...root, timeout: 250, scope: 'test', scopeMaxAge: 86_400_000, invalidate: { version: true, files: [] }, namespaces: {} },
  } as unknown as ResolvedPerfConfig
  const hooks = createHookRegistry()
  const m = createCacheManager({ config, hooks, warn: () => {} })
  afterAll(() => m.close())
  return { m, cache: m.root, dir, hooks }
}

export interface Hit { method: string; url: string; headers: IncomingMessage['headers'] }
export type Handler = (req: IncomingMessage, res: ServerResponse) => void

export async function server(handler: Handler): Promise<{ url: string; hits: Hit[]; close: () => Promise<void>; setHandler: (h: Handler) => void }> {
  const hits: Hit[] = []
  let current = handler
  const srv: Server = createServer((req, res) => {
    hits.push({ method: req.method!, url: req.url!, headers: req.headers })
    current(req, res)
  })
  await new Promise<void>(r => srv.listen(0, '127.0.0.1', r))
  const { port } = srv.address() as AddressInfo
  const close = () => new Promise<void>(r => { srv.closeAllConnections(); srv.close(() => r()) })
  afterAll(close)
  return { url: `http://127.0.0.1:${port}`, hits, close, setHandler: h => { current = h } }
}
