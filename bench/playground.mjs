#!/usr/bin/env node
// The repeated playground command (issues #4 and #9: the second whole-process run ≥ 10× faster
// than the first): `playground/cli.mjs deps` as a fresh process, cold (empty cache, no config
// snapshot, no code cache) then warm, N rounds; each round also times bare node, so the figures
// can be read against what any process costs on this machine. Ratios are per round, then the median.
//   npm run build && node bench/playground.mjs [--rounds 10]
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join, resolve } from 'node:path'

const repo = resolve(import.meta.dirname, '..')
const rounds = Number(process.argv[process.argv.indexOf('--rounds') + 1]) || 10
const TARGET = 10
const cli = join(repo, 'playground', 'cli.mjs')
const scratch = mkdtempSync(join(tmpdir(), 'unperf-bench-playground-'))
process.on('exit', () => rmSync(scratch, { recursive: true, force: true }))
const xdg = join(scratch, 'xdg')
const snapshot = join(repo, 'playground', 'node_modules', '.cache', 'unperf')
const bare = join(scratch, 'bare.mjs')
writeFileSync(bare, '')
const env = { ...process.env, XDG_CACHE_HOME: xdg, PERF_ENV: 'production', NODE_ENV: 'production', UNPERF_FILE_HASH_MEMO: join(scratch, 'memo') }

function time(file, args = []) {
  const t = process.hrtime.bigint()
  const r = spawnSync(process.execPath, [file, ...args], { env, cwd: repo, encoding: 'utf8' })
  if (r.status !== 0) throw new Error(`${file} ${args.join(' ')}: exit ${r.status}\n${r.stderr}`)
  return Number(process.hrtime.bigint() - t) / 1e6
}
const cold = (keepTranspiled = false) => {
  // everything a first run on a fresh machine lacks: the cache, unperf's code cache, the config
  // snapshot with jiti's transpiled copy of perf.config.ts beside it, the file-hash memo
  rmSync(xdg, { recursive: true, force: true })
  rmSync(join(scratch, 'memo'), { recursive: true, force: true })
  // keepTranspiled: a changed config's run on a machine that loaded this exact config source before
  // (jiti's copy kept, the snapshot rebuilt): what this bench measured as cold until 2026-12-05,
  // when jiti's copies lived in node_modules/.cache/jiti, outside the dir it removed
  rmSync(keepTranspiled ? join(snapshot, 'config') : snapshot, { recursive: true, force: true })
  return time(cli, ['deps'])
}

time(bare) // warm the OS file cache
const rows = []
for (let i = 0; i < rounds; i++) {
  const b = time(bare)
  const c = cold()
  const w = time(cli, ['deps'])
  const ct = cold(true)
  const w2 = time(cli, ['deps'])
  rows.push({ bare: b, cold: c, warm: w, ratio: c / w, coldTranspiled: ct, ratioTranspiled: ct / w2 })
  process.stderr.write(`\rround ${i + 1}/${rounds}`)
}
process.stderr.write('\n')

const median = xs => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2 }
const mad = xs => { const m = median(xs); return median(xs.map(x => Math.abs(x - m))) }
const col = k => rows.map(r => r[k])
const ratio = median(col('ratio'))
const spread = mad(col('ratio'))
const verdict = ratio - spread >= TARGET ? 'met' : ratio + spread >= TARGET ? 'inside the noise' : 'MISSED'
const ms = n => `${n.toFixed(0)} ms`
const load = loadavg().map(l => l.toFixed(1)).join(' ')

const out = [
  '## Repeated playground command',
  '',
  `Command: \`npm run build && node bench/playground.mjs --rounds ${rounds}\` (\`playground/cli.mjs deps\` as a fresh process: cold = no cache, no config snapshot nor jiti's transpiled config, no code cache, no file-hash memo: what a first run on a fresh machine lacks; warm = the next run; bare node timed in the same round; median of per-round ratios ± MAD).`,
  '',
  `Run of ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC, node ${process.version}, load average ${load}:`,
  '',
  '| | median | MAD |',
  '|---|---:|---:|',
  `| bare node | ${ms(median(col('bare')))} | ${ms(mad(col('bare')))} |`,
  `| deps, cold | ${ms(median(col('cold')))} | ${ms(mad(col('cold')))} |`,
  `| deps, warm | ${ms(median(col('warm')))} | ${ms(mad(col('warm')))} |`,
  `| warm over bare node | ${ms(median(rows.map(r => r.warm - r.bare)))} | ${ms(mad(rows.map(r => r.warm - r.bare)))} |`,
  `| deps, cold but perf.config.ts already transpiled by jiti | ${ms(median(col('coldTranspiled')))} | ${ms(mad(col('coldTranspiled')))} |`,
  '',
  '```',
  `whole process, cold → warm: ${ratio.toFixed(1)}× faster (± ${spread.toFixed(1)}; target ≥ ${TARGET}×): ${verdict}`,
  `  with jiti's transpiled config kept (this bench's cold run until 2026-12-05): ${median(col('ratioTranspiled')).toFixed(1)}× (± ${mad(col('ratioTranspiled')).toFixed(1)})`,
  '```',
]
console.log(out.join('\n'))
const file = join(repo, 'bench', 'results', 'playground.md')
if (!process.argv.includes('--no-write')) writeFileSync(file, out.join('\n') + '\n')
process.exit(verdict === 'MISSED' ? 1 : 0)
