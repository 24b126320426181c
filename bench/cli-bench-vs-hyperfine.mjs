#!/usr/bin/env node
/**
 * `unperf bench` vs real hyperfine on the same commands in the same run.
 * Both run each command through a shell; we compare their mean/median and the relative
 * speed they report, and the wall time each tool itself takes.
 *
 *   node scripts/build.mjs --no-dts && node bench/cli-bench-vs-hyperfine.mjs
 */
import { execFileSync, spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir, loadavg, cpus } from 'node:os'
import { join } from 'node:path'

const dir = mkdtempSync(join(tmpdir(), 'unperf-bench-hf-'))
const commands = ['sleep 0.05', 'sleep 0.1', 'node -e 0']
const runs = Number(process.env.RUNS ?? 20)
const bin = new URL('../bin/unperf.mjs', import.meta.url).pathname

function timed(file, args) {
  const t0 = process.hrtime.bigint()
  const r = spawnSync(file, args, { encoding: 'utf8' })
  if (r.status !== 0 && r.status !== 1) throw new Error(`${file} failed: ${r.stderr}`)
  return Number(process.hrtime.bigint() - t0) / 1e9
}

const hfFile = join(dir, 'hf.json')
const upFile = join(dir, 'up.json')
const hfWall = timed('hyperfine', ['-N', '--warmup', '1', '--runs', String(runs), '--export-json', hfFile, '--style', 'none', ...commands].filter(a => a !== '-N'))
const upWall = timed('node', [bin, 'bench', '--warmup', '1', '--runs', String(runs), '--export-json', upFile, ...commands])
const hf = JSON.parse(readFileSync(hfFile, 'utf8')).results
const up = JSON.parse(readFileSync(upFile, 'utf8')).results

const ms = s => (s * 1000).toFixed(1)
console.log(`machine: ${cpus().length} cpus, load ${loadavg().map(l => l.toFixed(2)).join(' ')}, node ${process.version}, ${execFileSync('hyperfine', ['--version'], { encoding: 'utf8' }).trim()}`)
console.log(`runs per command: ${runs}, warmup 1\n`)
console.log('| command | hyperfine mean ± σ [ms] | unperf mean ± σ [ms] | hyperfine median | unperf median | unperf/hyperfine (mean) | user hf / unperf [ms] | system hf / unperf [ms] |')
console.log('|:--|--:|--:|--:|--:|--:|--:|--:|')
for (let i = 0; i < commands.length; i++) {
  const h = hf[i], u = up[i]
  console.log(`| \`${commands[i]}\` | ${ms(h.mean)} ± ${ms(h.stddev)} | ${ms(u.mean)} ± ${ms(u.stddev)} | ${ms(h.median)} | ${ms(u.median)} | ${(u.mean / h.mean).toFixed(3)} | ${ms(h.user)} / ${ms(u.user)} | ${ms(h.system)} / ${ms(u.system)} |`)
}
const rel = (r, a, b) => r[b].mean / r[a].mean
console.log(`\nrelative speed 'sleep 0.1' / 'sleep 0.05': hyperfine ${rel(hf, 0, 1).toFixed(3)}, unperf ${rel(up, 0, 1).toFixed(3)}`)
console.log(`tool wall time for the whole benchmark: hyperfine ${hfWall.toFixed(2)} s, unperf ${upWall.toFixed(2)} s (ratio ${(upWall / hfWall).toFixed(2)})`)
