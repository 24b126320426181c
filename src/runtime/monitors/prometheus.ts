/**
 * Prometheus outputs of a monitor:
 * - `{ port, host, path }`: an HTTP server answering `path` (default /metrics) and /healthz;
 *   unref'd, as are its connections, so it never keeps the process alive.
 * - `{ file }`: the same text written atomically (temp file + rename) for node_exporter's textfile collector.
 * - `{ pushgateway, job }`: one PUT to the pushgateway at stop, for short-lived CLIs.
 */
import { mkdirSync } from 'node:fs'
import { mkdir, rename, writeFile } from 'node:fs/promises'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { dirname, resolve } from 'node:path'
import type { WarnOnce } from '../_internal.js'
import { PROMETHEUS_CONTENT_TYPE } from '../metrics/exposition.js'
import { writeFileAtomicSync } from '../write-file-atomic.js'
import { thrownMessage } from '../../errors.js'

export interface MetricsServerOptions {
  port: number
  host: string
  /** @default '/metrics' */
  path?: string
  expose: () => string
  /** JSON body of /healthz. */
  health: () => Record<string, unknown>
  warn: WarnOnce
}

export interface MetricsServer {
  /** Resolves with the bound address once listening (undefined when listening failed). */
  readonly listening: Promise<AddressInfo | undefined>
  close(): Promise<void>
}

export function startMetricsServer(options: MetricsServerOptions): MetricsServer {
  const path = options.path ?? '/metrics'
  // node:http (and net, stream) load only when a server is configured, never on the start path.
  const { createServer } = process.getBuiltinModule('node:http') as typeof import('node:http')
  const server: Server = createServer((req, res) => {
    const url = (req.url ?? '/').split('?')[0]
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end()
      return
    }
    try {
      if (url === path) {
        const body = options.expose()
        res.writeHead(200, { 'content-type': PROMETHEUS_CONTENT_TYPE, 'content-length': Buffer.byteLength(body) })
        res.end(req.method === 'HEAD' ? undefined : body)
      } else if (url === '/healthz') {
        const body = JSON.stringify(options.health())
        res.writeHead(200, { 'content-type': 'application/json' }).end(body)
      } else {
        res.writeHead(404, { 'content-type': 'text/plain' }).end(`not found: try ${path} or /healthz\n`)
      }
    } catch (error) {
      res.writeHead(500, { 'content-type': 'text/plain' }).end(`${thrownMessage(error)}\n`)
    }
  })
  // A keep-alive scraper connection must not hold the process open either.
  server.on('connection', socket => socket.unref())
  server.unref()
  const listening = new Promise<AddressInfo | undefined>(done => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      options.warn('monitor-prometheus-listen', `prometheus: cannot listen on ${options.host}:${options.port} (${error.code ?? error.message}); /metrics is not served`)
      done(undefined)
    })
    server.listen(options.port, options.host, () => done(server.address() as AddressInfo))
  })
  return {
    listening,
    close: () => new Promise<void>(done => {
      if (!server.listening) return done()
      server.close(() => done())
      server.closeAllConnections()
    }),
  }
}

let tmpSeq = 0

/** Writes the text to `file` atomically (temp file in the same directory, then rename). */
export async function writeTextfile(file: string, text: string): Promise<void> {
  const target = resolve(file)
  const tmp = `${target}.${process.pid}.${++tmpSeq}.tmp`
  // readable by node_exporter, writable by this user only whatever the umask (0777 dirs and 0666
  // files under umask 000); 'wx': a name planted in the dir (a symlink) is never written through
  await mkdir(dirname(target), { recursive: true, mode: 0o755 })
  await writeFile(tmp, text, { mode: 0o644, flag: 'wx' })
  await rename(tmp, target)
}

/** The same, synchronously (the process 'exit' path). */
export function writeTextfileSync(file: string, text: string): void {
  const target = resolve(file)
  mkdirSync(dirname(target), { recursive: true, mode: 0o755 })
  // readable by node_exporter's textfile collector, like the async path's file
  writeFileAtomicSync(target, text, { mode: 0o644 })
}

/** PUT the metrics to `<url>/metrics/job/<job>` (replaces the job's group). Throws on a non-2xx answer. */
export async function pushMetrics(url: string, job: string, text: string, timeoutMs = 5000): Promise<void> {
  const headers: Record<string, string> = { 'content-type': PROMETHEUS_CONTENT_TYPE }
  // fetch() refuses a URL with credentials (https://user:pass@push.example/): they become Basic auth
  const parsed = URL.canParse(url) ? new URL(url) : undefined
  if (parsed && (parsed.username || parsed.password)) {
    const user = decodeURIComponent(parsed.username)
    const pass = decodeURIComponent(parsed.password)
    headers.authorization = `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`
    parsed.username = ''
    parsed.password = ''
    url = parsed.href
  }
  const target = `${url.replace(/\/+$/, '')}/metrics/job/${encodeURIComponent(job)}`
  const res = await fetch(target, { method: 'PUT', body: text, headers, signal: AbortSignal.timeout(timeoutMs) })
  if (!res.ok) throw new Error(`pushgateway ${target} answered ${res.status} ${res.statusText}`)
}
