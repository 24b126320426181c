// Repro (found in the s33 soak, fixed: bench/results/soak.md 2026-12-08): a process writing tiny entries under unique
// keys into an fs namespace slowed ~30x once the namespace neared maxSize (each write near the limit listed the whole dir).
//   EVERY=1000 node --expose-gc fs-fill.mjs 1MB 15000     prints writes:heapMB@seconds
// Heap (after GC) of a process filling a 5 MB fs namespace with tiny entries under unique keys, through its size limit.
import { createPerf } from 'unperf'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { writeHeapSnapshot } from 'node:v8'
const dir = mkdtempSync(join(tmpdir(), 'fill-'))
writeFileSync(join(dir, 'package.json'), '{"name":"fill","version":"1.0.0"}')
const perf = await createPerf({ rootDir: dir, cwd: dir, overrides: { name: 'fill', cache: { dir: join(dir, 'c'), driver: 'fs', ttl: '1h', maxSize: process.argv[2] ?? '5MB' }, report: { console: false, dir: join(dir, 'r') } } })
const N = Number(process.argv[3] ?? 80000)
let peak = 0, snap = false
const t0 = performance.now()
for (let i = 0; i < N; i++) {
  await perf.cache.set(`u${i}`, { i, pad: 'p'.repeat(40) })
  if (i % Number(process.env.EVERY ?? 2000) === 0) {
    gc(); gc()
    const h = process.memoryUsage().heapUsed / 1048576
    if (h > peak) peak = h
    process.stdout.write(`${i}:${h.toFixed(0)}MB@${((performance.now() - t0) / 1000).toFixed(1)}s `)
    if (h > 50 && !snap && process.argv[4]) { snap = true; console.log('\nsnapshot', writeHeapSnapshot(join('/tmp/soak', 'fill-peak.heapsnapshot'))) }
  }
}
console.log(`\npeak ${peak.toFixed(1)} MB; ${((performance.now() - t0) / 1000).toFixed(1)} s; info ${JSON.stringify(await perf.cache.info())}`)
await perf.close()
