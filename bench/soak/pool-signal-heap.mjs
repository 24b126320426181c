// Repro of the pool leak fixed in s33: node --expose-gc pool-signal-heap.mjs pool (unperf) | plain (node 20 AbortSignal.any alone)
import { createPerf } from 'unperf'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
const dir = mkdtempSync(join(tmpdir(), 'bis-'))
writeFileSync(join(dir, 'package.json'), '{"name":"bis","version":"1.0.0"}')
const perf = await createPerf({ rootDir: dir, cwd: dir, overrides: { name: 'bis', cache: { enabled: false },
  concurrency: { pools: { net: { concurrency: 4, timeout: '200ms', retries: 1 } } }, report: { console: false, dir: join(dir, 'r') } } })
const signal = new AbortController().signal
const mode = process.argv[2]
const heaps = []
for (let round = 0; round < 6; round++) {
  for (let i = 0; i < 50000; i++) {
    if (mode === 'plain') { const s = AbortSignal.any([signal, AbortSignal.timeout(200)]); await Promise.resolve(s.aborted) }
    else await perf.pool('net').run(async (s) => s.aborted, { signal })
    if (i % 100 === 0) await new Promise((r) => setImmediate(r))
  }
  await new Promise((r) => setTimeout(r, 300)); gc(); gc(); await new Promise((r) => setTimeout(r, 10)); gc()
  heaps.push((process.memoryUsage().heapUsed / 1048576).toFixed(1))
}
console.log(mode, '6 x 50 000 calls (yielding every 100), heap after each:', heaps.join(' '))
await perf.close()
