// A local HTTP service for the soak's perf.cache.fetch() phase: 200 with an ETag (304 on a match),
// no-store, 500, a reset connection.
import { createServer } from 'node:http'

export async function startServer() {
  let version = 0
  const server = createServer((req, res) => {
    const url = new URL(req.url, 'http://x')
    if (url.pathname.startsWith('/etag')) {
      const etag = `"v${version}"`
      if (req.headers['if-none-match'] === etag) {
        res.writeHead(304, { etag, 'cache-control': 'max-age=0' })
        res.end()
        return
      }
      res.writeHead(200, { etag, 'cache-control': 'max-age=0', 'content-type': 'application/json' })
      res.end(JSON.stringify({ path: url.pathname, version, pad: 'x'.repeat(200) }))
      return
    }
    if (url.pathname.startsWith('/short')) {
      res.writeHead(200, { 'cache-control': 'max-age=1', 'content-type': 'text/plain' })
      res.end('short ' + url.pathname)
      return
    }
    if (url.pathname.startsWith('/nostore')) {
      res.writeHead(200, { 'cache-control': 'no-store', 'content-type': 'text/plain' })
      res.end('fresh ' + Date.now())
      return
    }
    if (url.pathname.startsWith('/error')) {
      res.writeHead(500, { 'content-type': 'text/plain' })
      res.end('boom')
      return
    }
    if (url.pathname.startsWith('/reset')) {
      req.socket.destroy()
      return
    }
    res.writeHead(404)
    res.end()
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    bump() { version++ },
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(resolve) }),
  }
}
