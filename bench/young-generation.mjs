#!/usr/bin/env node
// The young generation of a warm start, against where V8 scavenges it (issue #9). Counted, not
// timed: the bench's host (bench/startup.mjs: citty, a perf.config.ts, memory + fs cache, a startup
// budget, regressions on) with a full history window, its warm `hello` run and the same CLI without
// unperf, each printing its line to a pipe (as the bench runs them) or printing nothing:
//  - the young generation's bytes when the process exits (`--min-semi-space-size=16`: nothing is
//    collected meanwhile, so this is all that was allocated in it);
//  - the scavenges a real run does (`--trace-gc`), by kind: 'allocation failure' (the 1 MiB
//    semi-space full) or 'task' (V8 posts one once new space holds `--minor-gc-task-trigger` %
//    of the semi-space, checked every 64 kB allocated; it runs at the event loop's next turn, at the
//    latest when the loop runs dry before 'exit');
//  - the plain CLI keeping N kB more, to show where the task begins in this very process.
// A V8 flag on node's command line (these two) makes node's own builtins skip their code cache (V8's
// flag hash): ≈ +60 M instructions, but the young generation at exit moves ≤ 1.3 kB. Time nothing here.
//   npm run build && node bench/young-generation.mjs
import { spawnSync } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'

const repo = resolve(import.meta.dirname, '..')
if (!existsSync(join(repo, 'dist/citty.mjs'))) throw new Error('dist/citty.mjs is missing: npm run build first')
// a private copy of the package, as bench/startup.mjs: a rebuild during the run changes nothing measured
const pkgCopy = join(repo, 'bench', `.pkg-${process.pid}`)
mkdirSync(pkgCopy)
cpSync(join(repo, 'dist'), join(pkgCopy, 'dist'), { recursive: true })
cpSync(join(repo, 'package.json'), join(pkgCopy, 'package.json'))
const dir = mkdtempSync(join(tmpdir(), 'unperf-bench-young-'))
process.on('exit', () => {
  rmSync(pkgCopy, { recursive: true, force: true })
  rmSync(dir, { recursive: true, force: true })
})

const file = (name, text) => writeFileSync(join(dir, name), text)
mkdirSync(join(dir, 'node_modules'))
symlinkSync(join(repo, 'node_modules/citty'), join(dir, 'node_modules/citty'))
symlinkSync(pkgCopy, join(dir, 'node_modules/unperf'))
file('package.json', JSON.stringify({ name: 'bench-host', version: '1.0.0', type: 'module' }))
// bench/startup.mjs's config
file('perf.config.ts', `interface HostConfig { cache: { driver: string[]; ttl: string; namespaces: Record<string, { ttl: string }> }; budgets: { startup: string }; report: { console: false } }
const config: HostConfig = {
  cache: { driver: ['memory', 'fs'], ttl: '1d', namespaces: { git: { ttl: '5m' } } },
  budgets: { startup: '500ms' },
  report: { console: false },
}
export default config
`)
const cli = (run, perf) => `import { defineCommand${perf ? '' : ', runMain'} } from 'citty'\n${perf ? "import { runMain, withPerf } from 'unperf/citty'\n" : ''}`
  + `const main = defineCommand({ meta: { name: 'host', version: '1.0.0' }, subCommands: { hello: defineCommand({ meta: { name: 'hello' }, run: () => { ${run} } }) } })\n`
  + `await runMain(${perf ? 'withPerf(main)' : 'main'})\n`
const print = "process.stdout.write('hello\\n')"
// kept alive: what a host allocating N kB more in its command leaves in the young generation
const keep = "const kept = []; for (let n = 0; n < Number(process.env.KEEP_KB) * 1024; n += 128) kept.push(new Array(14).fill(n)); globalThis.kept = kept; " + print
file('plain.mjs', cli(print, false))
file('unperf.mjs', cli(print, true))
file('plain-silent.mjs', cli('', false))
file('unperf-silent.mjs', cli('', true))
file('plain-keep.mjs', cli(keep, false))
// read through node's heap-space buffer (v8.getHeapSpaceStatistics() allocates), at the first
// 'exit' listener (unperf's exit listener, which ends the process, stays the last)
file('young-at-exit.cjs', `const v8 = process.binding('v8')
const space = v8.kHeapSpaces.indexOf('new_space')
process.on('exit', () => {
  v8.updateHeapSpaceStatisticsBuffer(space)
  require('node:fs').writeSync(2, 'young ' + v8.heapSpaceStatisticsBuffer[v8.kSpaceUsedSizeIndex] + '\\n')
})
`)
mkdirSync(join(dir, 'xdg'))
const env = { PATH: process.env.PATH, HOME: process.env.HOME, XDG_CACHE_HOME: join(dir, 'xdg'), NODE_ENV: 'production', PERF_ENV: 'production' }

function node(args, extraEnv = {}) {
  const r = spawnSync(process.execPath, args, { cwd: dir, env: { ...env, ...extraEnv }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
  if (r.status !== 0) throw new Error(`node ${args.join(' ')} exited ${r.status}: ${r.stderr}`)
  return r
}
const youngFlags = ['--no-deprecation', '--min-semi-space-size=16', '-r', join(dir, 'young-at-exit.cjs')]
/** kB in the young generation at exit (the median of 3 runs, after 2 warm-ups: its code cache is per node flags). */
function youngAtExit(script, extraEnv) {
  const kb = () => Number(/young (\d+)/.exec(node([...youngFlags, script, 'hello'], extraEnv).stderr)[1]) / 1000
  kb(); kb()
  const runs = [kb(), kb(), kb()].sort((a, b) => a - b)
  return runs[1]
}
/** The scavenges of 3 warm runs (after 2 warm-ups), by kind. */
function scavenges(script, extraEnv) {
  const run = () => [...node(['--trace-gc', script, 'hello'], extraEnv).stdout.matchAll(/Scavenge .*?\s(allocation failure|task);/g)].map(m => m[1])
  run(); run()
  return [run(), run(), run()].map(kinds => kinds.length === 0 ? '0' : `${kinds.length} (${kinds.join(', ')})`).join(' / ')
}

// the history past its regression window (50 runs): each warm run judges the same window
for (let i = 0; i < 55; i++) node(['unperf.mjs', 'hello'])
// the snapshot's inputs are compared by content within 2 s of its build: measured past that
Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 2100)

const semi = JSON.parse(node(['-p', "JSON.stringify(require('v8').getHeapSpaceStatistics().find(s => s.space_name === 'new_space').space_size)"]).stdout)
const percent = Number(/--minor-gc-task-trigger=(\d+)/.exec(node(['--v8-options']).stdout)?.[1] ?? 80)
const trigger = semi * percent / 100 / 1000

const rows = [
  ['citty CLI, prints its line to a pipe', 'plain.mjs'],
  ['citty CLI + unperf (warm), prints its line to a pipe', 'unperf.mjs'],
  ['citty CLI, prints nothing', 'plain-silent.mjs'],
  ['citty CLI + unperf (warm), prints nothing', 'unperf-silent.mjs'],
  // (named by what they add, measured: N kB of arrays asked for are more in the heap)
  ...[60, 100, 150, 250].map(kb => [(more) => `citty CLI keeping ${more.toFixed(0)} kB more, prints its line`, 'plain-keep.mjs', { KEEP_KB: String(kb) }]),
]
console.log(`node ${process.version}: new space ${semi / 1024} KiB a semi-space, a scavenge task posted at --minor-gc-task-trigger=${percent} % (${trigger.toFixed(0)} kB, checked every 64 kB allocated)\n`)
console.log('| variant | young generation at exit | scavenges, 3 warm runs |')
console.log('|---|---:|---|')
const young = {}
for (const [name, script, extraEnv] of rows) {
  const kb = (young[script] = youngAtExit(script, extraEnv))
  console.log(`| ${typeof name === 'function' ? name(kb - young['plain.mjs']) : name} | ${kb.toFixed(0)} kB | ${scavenges(script, extraEnv)} |`)
}
const added = young['unperf.mjs'] - young['plain.mjs']
console.log(`\nunperf adds ${added.toFixed(0)} kB to the CLI printing its line. A run whose young generation stays under ≈ ${trigger.toFixed(0)} kB until its loop runs dry scavenges none: unperf would have to add ≤ ≈ ${(trigger - young['plain.mjs']).toFixed(0)} kB to this CLI`)
