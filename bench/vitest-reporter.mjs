// Cost of the unperf/vitest reporter on a test run: the same generated suite (20 files × 100 tests,
// 2 000 results: the reporter's worst case is many tests, since it walks every result once at the
// end and appends one line) run by vitest with the `dot` reporter alone, with vitest's own `json`
// reporter added (the anchor: it also serialises every result to a file), and with unperf's added.
// Each is a real `vitest run` child process; variants interleaved in random order each round;
// overhead = the paired median of (variant - dot alone) within a round. The reporter runs as users
// run it: no `history` option, so it loads the project's perf config (c12 once, then the snapshot).
// Run: node bench/vitest-reporter.mjs   (writes bench/results/vitest-reporter.md; exits 1 when a target is missed)
import { build } from 'esbuild'
import { spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const root = new URL('..', import.meta.url).pathname
const ROUNDS = Number(process.env.ROUNDS ?? 8)
const FILES = 20
const TESTS = 100

const dir = mkdtempSync(join(tmpdir(), 'unperf-bench-vitest-'))
// a real node_modules whose entries link to the repo's: the config snapshot (node_modules/.cache/unperf)
// then lives in this project, as it would in a user's, instead of the repo's
mkdirSync(join(dir, 'node_modules'))
for (const name of readdirSync(join(root, 'node_modules'))) {
  if (name !== '.cache') symlinkSync(join(root, 'node_modules', name), join(dir, 'node_modules', name))
}
writeFileSync(join(dir, 'package.json'), '{"name":"bench-suite","type":"module","private":true}')
mkdirSync(join(dir, 'test'))
for (let f = 0; f < FILES; f++) {
  let s = `import { describe, expect, it } from 'vitest'\ndescribe('file ${f}', () => {\n`
  for (let t = 0; t < TESTS; t++) s += `  it('test ${t}', () => { let x = 0; for (let i = 0; i < ${1000 * (1 + (f % 5))}; i++) x += i; expect(x).toBeGreaterThan(0) })\n`
  writeFileSync(join(dir, 'test', `f${f}.test.js`), s + '})\n')
}
// the reporter as it ships: one entry file, config loading in a lazy chunk
await build({
  entryPoints: { reporter: join(root, 'src/vitest/index.ts') }, outdir: join(dir, 'reporter'), bundle: true, splitting: true,
  format: 'esm', platform: 'node', target: 'node20', outExtension: { '.js': '.mjs' }, packages: 'external', logLevel: 'error',
})
const configs = {
  'dot alone': `['dot']`,
  'dot + vitest json (anchor)': `['dot', 'json']`,
  'dot + unperf/vitest': `['dot', [${JSON.stringify(join(dir, 'reporter/reporter.mjs'))}, { dir: ${JSON.stringify(join(dir, 'history'))} }]]`,
}
for (const [i, reporters] of Object.values(configs).entries()) {
  writeFileSync(join(dir, `v${i}.config.mjs`), `export default { test: { include: ['test/**/*.test.js'], reporters: ${reporters}, outputFile: { json: ${JSON.stringify(join(dir, 'out.json'))} } } }\n`)
}
const env = { ...process.env, NO_COLOR: '1' }
for (const key of Object.keys(env)) if (key.startsWith('VITEST')) delete env[key]
function runOnce(i) {
  const t0 = process.hrtime.bigint()
  const r = spawnSync(process.execPath, [join(root, 'node_modules/vitest/vitest.mjs'), 'run', '--config', `v${i}.config.mjs`], { cwd: dir, env, encoding: 'utf8' })
  const ms = Number(process.hrtime.bigint() - t0) / 1e6
  if (r.status !== 0) throw new Error(`vitest failed (${Object.keys(configs)[i]}):\n${r.stdout}\n${r.stderr}`)
  if (r.stderr.includes('[unperf]')) throw new Error(r.stderr)
  return ms
}
const names = Object.keys(configs)
const samples = names.map(() => [])
for (let i = 0; i < names.length; i++) runOnce(i) // warm up (vite's cache, disk cache)
for (let round = 0; round < ROUNDS; round++) {
  for (const i of names.map((_, i) => i).sort(() => Math.random() - 0.5)) samples[i].push(runOnce(i))
}
rmSync(dir, { recursive: true, force: true })

const median = xs => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2 }
const mad = xs => { const m = median(xs); return median(xs.map(x => Math.abs(x - m))) }
const base = samples[0]
const lines = [
  '## vitest reporter overhead', '',
  `Command: \`node bench/vitest-reporter.mjs\` (${FILES} files × ${TESTS} tests, \`vitest run\` child processes, variants interleaved in random order, ${ROUNDS} rounds; overhead = median of the per-round difference to \`dot\` alone).`, '',
  '| variant | wall ms (median ± MAD) | overhead ms vs dot alone | ratio to dot alone | target | verdict |', '|---|---:|---:|---:|---:|---|',
]
let failed = false
const noise = mad(base)
for (let i = 0; i < names.length; i++) {
  const diffs = samples[i].map((ms, r) => ms - base[r])
  const over = median(diffs)
  const ratio = median(samples[i]) / median(base)
  const isOurs = names[i] === 'dot + unperf/vitest'
  // no measurable slowdown: within 3 % of the run, or within the noise of the baseline itself
  const ok = !isOurs || ratio <= 1.03 || over <= 2 * noise
  failed ||= !ok
  lines.push(`| ${names[i]} | ${median(samples[i]).toFixed(0)} ± ${mad(samples[i]).toFixed(0)} | ${i === 0 ? '—' : over.toFixed(0)} | ${ratio.toFixed(3)}× | ${isOurs ? '≤ 1.03× or within 2× noise' : ''} | ${isOurs ? (ok ? 'ok' : 'MISSED') : ''} |`)
}
lines.push('', `(noise: MAD of \`dot\` alone = ${noise.toFixed(0)} ms; node ${process.version})`, '')
const text = lines.join('\n')
console.log(text)
writeFileSync(join(root, 'bench/results/vitest-reporter.md'), text)
process.exit(failed ? 1 : 0)
