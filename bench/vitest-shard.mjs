// Shard balance: unperf's longest-processing-time-first plan vs vitest's count-based `--shard`
// (the anchor), both on the same history recorded by the unperf/vitest reporter from real runs
// of the playground's uneven suite (three heavy files, nine light ones).
// Run: node bench/vitest-shard.mjs   (writes bench/results/vitest-shard.md; exits 1 when a target is missed)
import { build } from 'esbuild'
import { spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const root = new URL('..', import.meta.url).pathname
const RUNS = Number(process.env.RUNS ?? 3)
const CHECKS = Number(process.env.CHECKS ?? 3)
const playground = join(root, 'playground')
const dir = mkdtempSync(join(tmpdir(), 'unperf-bench-shard-'))
mkdirSync(join(dir, 'node_modules'))
for (const name of readdirSync(join(root, 'node_modules'))) if (name !== '.cache') symlinkSync(join(root, 'node_modules', name), join(dir, 'node_modules', name))
await build({
  entryPoints: { reporter: join(root, 'src/vitest/index.ts'), shard: join(root, 'src/vitest/shard.ts'), discover: join(root, 'src/vitest/discover.ts'), history: join(root, 'src/vitest/history.ts') },
  outdir: join(dir, 'lib'), bundle: true, splitting: true, format: 'esm', platform: 'node', target: 'node20', outExtension: { '.js': '.mjs' }, packages: 'external', logLevel: 'error',
})
const history = join(dir, 'history')
writeFileSync(join(dir, 'vitest.config.mjs'), `export default { test: { root: ${JSON.stringify(playground)}, include: ['tests/**/*.test.mjs'],
  reporters: ['dot', [${JSON.stringify(join(dir, 'lib/reporter.mjs'))}, { dir: ${JSON.stringify(history)}, history: 50 }]] } }\n`)
const env = { ...process.env, NO_COLOR: '1' }
for (const key of Object.keys(env)) if (key.startsWith('VITEST')) delete env[key]
// RUNS runs to plan from, then CHECKS more to check the plans against (out of sample)
for (let i = 0; i < RUNS + CHECKS; i++) {
  const r = spawnSync(process.execPath, [join(root, 'node_modules/vitest/vitest.mjs'), 'run', '--config', 'vitest.config.mjs'], { cwd: dir, env, encoding: 'utf8' })
  if (r.status !== 0) throw new Error(r.stdout + r.stderr)
}
const { planShards, countShards, fileDurations } = await import(join(dir, 'lib/shard.mjs'))
const { discoverTestFiles } = await import(join(dir, 'lib/discover.mjs'))
const { readTestHistory } = await import(join(dir, 'lib/history.mjs'))
const all = readTestHistory(history).entries
const entries = all.slice(0, RUNS)
const checks = all.slice(RUNS).map(e => new Map(e.files.map(f => [f.path, f.duration])))
const median = xs => { const v = [...xs].sort((a, b) => a - b); const m = v.length >> 1; return v.length % 2 ? v[m] : (v[m - 1] + v[m]) / 2 }
const mad = xs => { const m = median(xs); return median(xs.map(x => Math.abs(x - m))) }
const files = await discoverTestFiles(playground, entries)
const durations = fileDurations(entries)
// the balance each check run would have had under a plan: one value per check run
const measured = plan => checks.map(check => {
  const totals = plan.shards.map(s => s.files.reduce((sum, f) => sum + (check.get(f) ?? 0), 0))
  return Math.max(...totals) / (totals.reduce((a, b) => a + b, 0) / totals.length)
})
rmSync(dir, { recursive: true, force: true })

const lines = [
  '## vitest shard balance', '',
  `Command: \`node bench/vitest-shard.mjs\` (the playground suite, ${files.length} files, run ${RUNS}× with the reporter to plan from, then ${CHECKS}× more to check the plans against, out of sample: median ± MAD over those runs; balance = slowest shard / mean shard, 1 = perfect).`, '',
  '| shards | unperf (LPT) planned | unperf measured | vitest --shard (by count, anchor) measured | ratio measured | target | verdict |', '|---:|---:|---:|---:|---:|---:|---|',
]
let failed = false
for (const total of [2, 3, 4]) {
  const plan = planShards(files, durations, total)
  const oursRuns = measured(plan)
  const anchorRuns = measured(countShards(files, durations, total))
  const ours = median(oursRuns)
  const anchor = median(anchorRuns)
  // a miss must exceed the noise: still above the anchor with the spreads taken off
  const ok = ours <= anchor || ours - mad(oursRuns) <= anchor + mad(anchorRuns)
  failed ||= !ok
  lines.push(`| ${total} | ${plan.balance.toFixed(3)} | ${ours.toFixed(3)} ± ${mad(oursRuns).toFixed(3)} | ${anchor.toFixed(3)} ± ${mad(anchorRuns).toFixed(3)} | ${(ours / anchor).toFixed(3)}× | ≤ 1× | ${ok ? 'ok' : 'MISSED'} |`)
}
lines.push('', `(node ${process.version})`, '')
const text = lines.join('\n')
console.log(text)
writeFileSync(join(root, 'bench/results/vitest-shard.md'), text)
process.exit(failed ? 1 : 0)
