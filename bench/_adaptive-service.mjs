// The services bench/adaptive.mjs runs an 'adaptive' pool against, on loopback, in a process of
// their own (argv: kind); the port goes to the parent over IPC.
// limit: a hard limit of 3 requests at once, 20 ms each, HTTP 429 at once above it
// queue: 3 served at once (20 ms each), the rest wait in a FIFO (latency grows with concurrency)
// plain: 50 ms, no limit
import { createServer } from 'node:http'
const kind = process.argv[2]
const N = 3
let active = 0
const waiting = []
const serve = (res, ms) => setTimeout(() => { res.end('ok') }, ms)
const server = createServer((req, res) => {
  if (kind === 'plain') return serve(res, 50)
  if (kind === 'limit') {
    if (active >= N) { res.statusCode = 429; res.setHeader('retry-after', '0'); return res.end('busy') }
    active++
    res.on('finish', () => active--)
    return serve(res, 20)
  }
  if (kind === 'queue') {
    const start = () => { active++; res.on('finish', () => { active--; const next = waiting.shift(); if (next) next() }); serve(res, 20) }
    if (active < N) start(); else waiting.push(start)
  }
})
server.keepAliveTimeout = 60_000
server.listen(0, '127.0.0.1', () => process.send?.(server.address().port))
process.on('disconnect', () => process.exit(0))
