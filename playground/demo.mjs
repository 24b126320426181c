#!/usr/bin/env node
// `npm run demo`: run the playground CLI cold (empty cache, no config snapshot) then warm, as
// real child processes, and print what unperf measured in each run (from its report.json) and
// the cold → warm speedup. Repeatable: the playground's cache lives in playground/.cache.
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { formatBytes, formatDuration } from '../dist/index.mjs'

const here = import.meta.dirname
const cacheHome = join(here, '.cache', 'xdg')
const env = { ...process.env, XDG_CACHE_HOME: cacheHome, PERF_ENV: 'production', NODE_ENV: 'production' }
const cli = join(here, 'cli.mjs')

rmSync(join(here, '.cache'), { recursive: true, force: true })
rmSync(join(here, 'node_modules', '.cache', 'unperf'), { recursive: true, force: true }) // the config snapshot

function findReport(dir) {
  if (!existsSync(dir)) return undefined
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name)
    if (entry.isDirectory()) { const found = findReport(p); if (found) return found }
    else if (entry.name === 'report.json') return p
  }
}

function run(label, args) {
  const start = performance.now()
  const child = spawnSync(process.execPath, [cli, ...args], { env, encoding: 'utf8' })
  const wall = performance.now() - start
  if (child.status !== 0) {
    process.stderr.write(child.stdout + child.stderr)
    throw new Error(`playground ${args.join(' ')} exited with ${child.status}`)
  }
  const file = findReport(cacheHome)
  const report = JSON.parse(readFileSync(file, 'utf8'))
  return { label, args, wall, stdout: child.stdout.trim(), summary: child.stderr.trim(), report, file }
}

const ms = n => formatDuration(n).padStart(9)
function show(r) {
  const { report } = r
  const c = report.commands[0]
  const lookups = report.cache.hits + report.cache.misses
  console.log(`\n▸ ${r.label}: playground ${r.args.join(' ')}`)
  for (const line of r.stdout.split('\n').slice(0, 3)) console.log(`    ${line}`)
  console.log(`  process wall time ${ms(r.wall)}`)
  console.log(`  startup           ${ms(report.startup.total)}   (${report.startup.phases.map(p => `${p.name} ${formatDuration(p.duration)}`).join(', ')})`)
  console.log(`  command '${c.name}'   ${ms(c.duration)}   peak rss ${formatBytes(c.memoryPeak ?? report.memory.peakRss)}, Δ rss ${formatBytes(c.memoryDelta)}`)
  const spans = report.spans.filter(s => s.duration >= 0.05).slice(0, 5)
  if (spans.length) console.log(`  spans             ${spans.map(s => `${s.name} ${formatDuration(s.duration)}`).join(', ')}`)
  console.log(`  cache             ${lookups ? `${Math.round(report.cache.hitRate * 100)} % hits (${report.cache.hits}/${lookups})` : 'no lookups'}, ${report.cache.sets} sets`)
  return r
}

console.log('unperf playground demo: each command runs twice as a fresh process, cold then warm')
const results = []
for (const args of [['deps'], ['hash', 'src']]) {
  const cold = show(run('cold', args))
  const warm = show(run('warm', args))
  results.push({ args, cold, warm })
}
show(run('plugin + config', ['info']))

console.log('\ncold → warm')
for (const { args, cold, warm } of results) {
  const c = cold.report.commands[0].duration / warm.report.commands[0].duration
  console.log(`  ${args.join(' ').padEnd(9)} whole process ${(cold.wall / warm.wall).toFixed(1)}× faster (${formatDuration(cold.wall)} → ${formatDuration(warm.wall)}), command ${c.toFixed(0)}× (${formatDuration(cold.report.commands[0].duration)} → ${formatDuration(warm.report.commands[0].duration)})`)
}
const last = results[0].warm
console.log(`\nwhat unperf printed after the warm 'deps' run (report.console: 'summary'):\n${last.summary.replace(/^/gm, '  ')}`)
console.log(`\nreports: ${last.file} (+ trace.json for chrome://tracing, history.jsonl), ${formatBytes(statSync(last.file).size)}`)
// the playground's config is in playground/ (--root-dir), the runs were in this directory (--cwd, the default)
console.log(`over the runs so far: XDG_CACHE_HOME=${relative(process.cwd(), cacheHome) || '.'} node ${relative(process.cwd(), join(import.meta.dirname, '../bin/unperf.mjs'))} report --root-dir ${relative(process.cwd(), import.meta.dirname) || '.'}`)
