import { connect, createServer, type Server } from 'node:net'
import { afterAll, beforeAll } from 'vitest'
import { redisUrl } from './redis.js'

/**
 * A TCP proxy on a free loopback port that holds every chunk the client sends for `delayMs` before passing it to
 * `host:port` (a slow link to a real Redis). Returns the proxy's `redis://` url and the server, to close.
 */
export async function delayProxy(port: number, host: string, delayMs: number): Promise<{ url: string, server: Server }> {
  const server = createServer(client => {
    const up = connect(port, host)
    client.on('data', d => { setTimeout(() => up.write(d), delayMs) })
    up.on('data', d => client.write(d))
    for (const [a, b] of [[client, up], [up, client]] as const) {
      a.on('error', () => b.destroy())
      a.on('close', () => b.destroy())
    }
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  return { url: `redis://127.0.0.1:${(server.address() as { port: number }).port}`, server }
}

/**
 * The test redis-server (globalSetup's) behind a delayProxy for the file's tests: `.url` once its
 * beforeAll ran (empty when no redis-server is there: describeRedis skips then), closed after all.
 */
export function slowTestRedis(delayMs: number): { readonly url: string } {
  let proxy: Server | undefined
  let url = ''
  beforeAll(async () => {
    if (!redisUrl) return
    const target = new URL(redisUrl)
    ;({ url, server: proxy } = await delayProxy(Number(target.port), target.hostname, delayMs))
  })
  afterAll(() => { proxy?.close() })
  return { get url() { return url } }
}
