/**
 * systeminformation's calls, made in a worker thread. On the host's thread they blocked its event
 * loop: fsSize() runs `cat /proc/mounts` (`mount` on macOS) with execSync on every call,
 * networkStats() finds the default interface with execSync (`ip route`), and the import evaluates
 * its ~25 modules. That was 50–300 ms every refresh on a loaded 2-core machine, which the host's own
 * eventLoop samples then reported as its stall (an `'eventLoop.p99'` alert fired for it). The worker
 * costs ≈ 7 MB of rss, only with `monitors.system`; it is unref'd, so it never keeps the process alive.
 */
import { createRequire } from 'node:module'
import { Worker } from 'node:worker_threads'

/** The fields of systeminformation's answers that system.ts reads. */
export interface HostReading {
  mem: { total: number; active: number; available: number }
  fs: Array<{ used: number; size: number }>
  net: Array<{ rx_sec: number | null; tx_sec: number | null }>
}

export interface HostReader {
  /** One reading; rejects when the worker failed (its error's message). */
  read(): Promise<HostReading>
  /** Ends the worker; a read still pending rejects. */
  close(): void
}

// CommonJS in the worker: systeminformation is one, and `workerData.si` is its resolved path (the
// worker's own resolution would start from the host's cwd, not from unperf's install)
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads')
const si = require(workerData.si)
parentPort.on('message', async id => {
  try {
    const [mem, fs, net] = await Promise.all([si.mem(), si.fsSize().catch(() => []), si.networkStats().catch(() => [])])
    parentPort.postMessage({ id, reading: {
      mem: { total: mem.total, active: mem.active, available: mem.available },
      fs: fs.map(d => ({ used: d.used, size: d.size })),
      net: net.map(n => ({ rx_sec: n.rx_sec, tx_sec: n.tx_sec })),
    } })
  } catch (error) {
    parentPort.postMessage({ id, error: String((error && error.message) || error) })
  }
})
`

export function createHostReader(): HostReader {
  // unperf runs from its installed files (it refuses to be bundled: E_BUNDLED), where its dependency resolves
  const si = createRequire(import.meta.url).resolve('systeminformation')
  // the host's node flags (--import hooks, --cpu-prof, ...) are not this worker's business
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { si }, execArgv: [] })
  const pending = new Map<number, { resolve: (reading: HostReading) => void; reject: (error: Error) => void }>()
  let seq = 0
  let failure: Error | undefined
  const failAll = (error: Error) => {
    failure ??= error
    for (const p of pending.values()) p.reject(error)
    pending.clear()
  }
  worker.on('message', (message: { id: number; reading?: HostReading; error?: string }) => {
    const p = pending.get(message.id)
    if (p === undefined) return
    pending.delete(message.id)
    if (message.reading) p.resolve(message.reading)
    else p.reject(new Error(message.error ?? 'no reading'))
  })
  worker.on('error', error => failAll(error))
  worker.on('exit', code => failAll(new Error(`the host metrics worker exited (code ${code})`)))
  // after the listeners: adding a 'message' listener refs the worker's port again (a host that ended
  // without close() while the worker ran never exited)
  worker.unref()
  return {
    read() {
      if (failure) return Promise.reject(failure)
      const id = ++seq
      return new Promise<HostReading>((resolve, reject) => {
        pending.set(id, { resolve, reject })
        worker.postMessage(id)
      })
    },
    close() {
      failAll(new Error('the host metrics worker was closed'))
      void worker.terminate()
    },
  }
}

