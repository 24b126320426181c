/**
 * Prometheus outputs of a monitor:
 * - `{ port, host, path }`: an HTTP server answering `path` (default /metrics) and /healthz;
 *   unref'd, as are its connections, so it never keeps the process alive.
 * - `{ file }`: the same text written atomically (temp file + rename) for node_exporter's textfile collector.
 * - `{ pushgateway, job }`: one PUT to the pushgateway at stop, for short-lived CLIs.
 */
import { chmodSync, closeSync, fchmodSync, openSync, unlinkSync, writeFileSync } from 'node:fs'
import { open, unlink } from 'node:fs/promises'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { dirname, resolve } from 'node:path'
import type { WarnOnce } from '../_internal.js'
import type { MetricsEndpoint } from '../types.js'
import { PROMETHEUS_CONTENT_TYPE } from '../metrics/exposition.js'
import { makeDirSync } from '../make-dir.js'
import { renameOverSync } from '../rename-over.js'
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
  /** The urls served once listening (the port the OS picked for `port: 0`); undefined when listening failed, or once close() was called. */
  address(): Promise<MetricsEndpoint | undefined>
  /** Why listening failed (`EADDRINUSE`: the port is taken), once `listening` resolved undefined. */
  readonly listenError: NodeJS.ErrnoException | undefined
  /** Stops serving (once it has bound, when close() came first). */
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
  let listenError: NodeJS.ErrnoException | undefined
  const listening = new Promise<AddressInfo | undefined>(done => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      listenError = error
      options.warn('monitor-prometheus-listen', `prometheus: cannot listen on ${options.host}:${options.port} (${error.code ?? error.message}); /metrics is not served`)
      done(undefined)
    })
    server.listen(options.port, options.host, () => done(server.address() as AddressInfo))
  })
  // an IPv6 host in brackets: http://[::1]:9464/metrics
  const origin = (port: number) => `http://${options.host.includes(':') ? `[${options.host}]` : options.host}:${port}`
  // closed: address() says undefined (no stale address of a closed server)
  let closing: Promise<void> | undefined
  const address = () => listening.then(bound => bound && closing === undefined ? { host: options.host, port: bound.port, url: `${origin(bound.port)}${path}`, healthz: `${origin(bound.port)}/healthz` } : undefined)
  return {
    listening,
    address,
    get listenError() { return listenError },
    // after listen() has bound or failed: a host name is looked up first, and a server closed during
    // the lookup (server.listening still false) went on to listen and serve after close()
    close: () => (closing ??= listening.then(bound => new Promise<void>(done => {
      if (bound === undefined || !server.listening) return done()
      server.close(() => done())
      server.closeAllConnections()
    }))),
  }
}

let tmpSeq = 0
// pid and a random tag: unique also among containers sharing the dir (one pid in each)
const TMP_TAG = `${process.pid}.${Math.random().toString(36).slice(2, 8)}`

// node_exporter usually runs as another user and must read the file: 0644 and its missing dirs 0755
// whatever the umask. A mode given to open()/mkdir() is filtered by the umask (umask 077, common on
// hardened hosts and in systemd units, made them 0600/0700: the collector could not read them), so
// the modes are set explicitly: fchmod on the temp file we just created (never through a name), chmod
// on the dirs made here (never on a dir that was there).
const FILE_MODE = 0o644
const DIR_MODE = 0o755

/**
 * Writes the text to `file` atomically (temp file in the same directory, then rename). `current`
 * is asked just before the rename: false (the monitor stopped and wrote its last text meanwhile,
 * writeTextfileSync) drops this older text instead, so a write still in flight at close never
 * lands over the final one; the rename is synchronous to keep that check and the rename in order.
 */
export async function writeTextfile(file: string, text: string, current: () => boolean = () => true): Promise<void> {
  const target = resolve(file)
  const tmp = `${target}.${TMP_TAG}.${++tmpSeq}.tmp`
  makeTextfileDir(dirname(target))
  // 'wx': a name planted in the dir (a symlink) is never written through
  const handle = await open(tmp, 'wx', FILE_MODE)
  try {
    try {
      await handle.chmod(FILE_MODE)
      await handle.writeFile(text)
    } finally {
      await handle.close()
    }
    if (current()) return renameOverSync(tmp, target)
    await unlink(tmp).catch(() => { /* gone */ })
  } catch (error) {
    await unlink(tmp).catch(() => { /* renamed or gone */ })
    throw error
  }
}

/** The same, synchronously (the process 'exit' path). */
export function writeTextfileSync(file: string, text: string): void {
  const target = resolve(file)
  makeTextfileDir(dirname(target))
  const tmp = `${target}.${TMP_TAG}.${++tmpSeq}.tmp`
  try {
    const fd = openSync(tmp, 'wx', FILE_MODE)
    try {
      fchmodSync(fd, FILE_MODE)
      writeFileSync(fd, text)
    } finally {
      closeSync(fd)
    }
    renameOverSync(tmp, target)
  } catch (error) {
    try { unlinkSync(tmp) } catch { /* never made */ }
    throw error
  }
}

/** Makes the textfile's missing dirs, each 0755 whatever the umask; a dir that was there is left as it is. */
function makeTextfileDir(dir: string): void {
  const first = makeDirSync(dir, DIR_MODE)
  if (first === undefined) return
  for (let at = dir; ; at = dirname(at)) {
    chmodSync(at, DIR_MODE)
    if (at === first || dirname(at) === at) break
  }
}

/** `name/value` of the group key's path; a value with a '/' (or an empty one) base64url-encoded, as the pushgateway's API asks. */
function groupSegment(name: string, value: string): string {
  return value === '' || value.includes('/') ? `${name}@base64/${Buffer.from(value).toString('base64url') || '='}` : `${name}/${encodeURIComponent(value)}`
}

/**
 * PUT the metrics to `<url>/metrics/job/<job>[/<label>/<value>...]` (replaces that group: `grouping`
 * labels keep the pushes of many machines apart). Throws on a non-2xx answer.
 * node:http with `Connection: close`, not fetch(): undici kept its idle keep-alive socket referenced
 * ~300 ms after the push (loading it cost ~90 ms more), so a short-lived CLI exited that much later.
 */
export async function pushMetrics(url: string, job: string, text: string, { grouping = {}, timeoutMs = 5000 }: { grouping?: Record<string, string>; timeoutMs?: number } = {}): Promise<void> {
  const target = new URL(url)
  if (target.protocol !== 'http:' && target.protocol !== 'https:') throw new Error(`pushgateway ${url}: expected an http:// or https:// url`)
  const headers: Record<string, string | number> = { 'content-type': PROMETHEUS_CONTENT_TYPE, 'content-length': Buffer.byteLength(text), connection: 'close' }
  // credentials in the url (https://user:pass@push.example/) are sent as Basic auth
  if (target.username || target.password) {
    headers.authorization = `Basic ${Buffer.from(`${decodeURIComponent(target.username)}:${decodeURIComponent(target.password)}`).toString('base64')}`
    target.username = ''
    target.password = ''
  }
  const groupPath = [groupSegment('job', job), ...Object.entries(grouping).map(([name, value]) => groupSegment(name, value))].join('/')
  target.pathname = `${target.pathname.replace(/\/+$/, '')}/metrics/${groupPath}`
  const { request } = process.getBuiltinModule(target.protocol === 'https:' ? 'node:https' : 'node:http') as typeof import('node:http')
  await new Promise<void>((resolvePush, reject) => {
    const req = request(target, { method: 'PUT', headers, agent: false }, res => {
      // what a refusing pushgateway says is why (400: 'pushed metrics are invalid or inconsistent
      // with existing metrics: …'): its first 500 bytes go into the error
      let said = ''
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => { if (said.length < 500) said += chunk })
      res.on('end', () => {
        const status = res.statusCode ?? 0
        if (status >= 200 && status < 300) return resolvePush()
        const why = said.replace(/\s+/g, ' ').trim()
        reject(new Error(`pushgateway ${target.href} answered ${status} ${res.statusMessage ?? ''}`.trimEnd() + (why ? `: ${why.length > 300 ? `${why.slice(0, 300)}…` : why}` : '')))
      })
      res.on('error', reject)
    })
    const timer = setTimeout(() => req.destroy(new Error(`pushgateway ${target.href}: no answer within ${timeoutMs} ms`)), timeoutMs)
    timer.unref()
    req.on('close', () => clearTimeout(timer))
    req.on('error', reject)
    req.end(text)
  })
}
