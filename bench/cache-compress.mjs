// Brotli vs gzip for cache values (docs/cache.md). Run: node bench/cache-compress.mjs
import zlib from 'node:zlib'
import { readFileSync } from 'node:fs'
const lock = readFileSync('package-lock.json')
const samples = { '10 KB JSON': lock.subarray(0, 10_000), '100 KB JSON': lock.subarray(0, 100_000), [`${Math.round(lock.length/1024)} KB package-lock.json`]: lock }
const algos = {
  'brotli q4': b => zlib.brotliCompressSync(b, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 4, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: b.length } }),
  'brotli q11 (default)': b => zlib.brotliCompressSync(b),
  'gzip 6 (default)': b => zlib.gzipSync(b),
  'gzip 1': b => zlib.gzipSync(b, { level: 1 }),
}
const dec = { 'brotli q4': zlib.brotliDecompressSync, 'brotli q11 (default)': zlib.brotliDecompressSync, 'gzip 6 (default)': zlib.gunzipSync, 'gzip 1': zlib.gunzipSync }
console.log('| input | algorithm | ratio | compress | decompress |\n|---|---|---|---|---|')
for (const [name, b] of Object.entries(samples)) for (const [a, f] of Object.entries(algos)) {
  const n = name.startsWith('10 ') ? 200 : name.startsWith('100') ? 30 : 5
  let out; let t = performance.now(); for (let i = 0; i < n; i++) out = f(b); const c = (performance.now() - t) / n
  t = performance.now(); for (let i = 0; i < n; i++) dec[a](out); const d = (performance.now() - t) / n
  console.log(`| ${name} | ${a} | ${(out.length / b.length * 100).toFixed(1)} % | ${c.toFixed(2)} ms | ${d.toFixed(2)} ms |`)
}
