#!/usr/bin/env node
// Instructions of a warm `unperf.mjs hello` run of bench/startup.mjs's host (its config, citty), counted
// (load-independent): valgrind --tool=cachegrind --cache-sim=no, node --predictable. One host, each
// build's dist/ copied into a package of its own and swapped in under node_modules/unperf, two warm-ups
// after each swap (the code caches of that build), the history past the regression window first (60
// runs); the plain citty CLI counted each round too. Medians of ROUNDS.
//   node bench/start-instructions.mjs ROUNDS before=/path/to/old/dist after=dist [--history N] [--no-regressions]
// A run under valgrind is 20-50x slower than the warm-ups the history holds: with regressions on it is
// judged a regression, and loads the regression's deferred module (startup.md, session 31).
import { spawnSync } from 'node:child_process'
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync, unlinkSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
const repo = resolve(import.meta.dirname, '..')
const rounds = Number(process.argv[2])
const dists = process.argv.slice(3).filter(a => a.includes('=')).map(a => [a.slice(0, a.indexOf('=')), resolve(a.slice(a.indexOf('=') + 1))])
const flag = name => process.argv.indexOf(name)
const history = flag('--history') > 0 ? Number(process.argv[flag('--history') + 1]) : undefined
const noRegressions = flag('--no-regressions') > 0
const dir = mkdtempSync(join(tmpdir(), 'unperf-start-instructions-'))
process.on('exit', () => rmSync(dir, { recursive: true, force: true }))
for (const [label, dist] of dists) {
  const pkg = join(dir, 'pkg-' + label)
  cpSync(dist, join(pkg, 'dist'), { recursive: true })
  cpSync(join(repo, 'package.json'), join(pkg, 'package.json'))
  symlinkSync(join(repo, 'node_modules'), join(pkg, 'node_modules'))
}
mkdirSync(join(dir, 'host/node_modules'), { recursive: true })
const host = join(dir, 'host')
for (const n of ['citty', 'c12', 'defu']) symlinkSync(join(repo, 'node_modules', n), join(host, 'node_modules', n))
writeFileSync(join(host, 'package.json'), JSON.stringify({ name: 'bench-host', version: '1.0.0', type: 'module' }))
writeFileSync(join(host, 'perf.config.ts'), `// the host CLI's perf config (TypeScript)
interface HostConfig { cache: { driver: string[]; ttl: string; namespaces: Record<string, { ttl: string }> }; budgets: { startup: string; regressions?: boolean }; report: { console: false; history?: number } }
const config: HostConfig = {
  cache: { driver: ['memory', 'fs'], ttl: '1d', namespaces: { git: { ttl: '5m' } } },
  budgets: { startup: '500ms'${noRegressions ? ', regressions: false' : ''} },
  report: { console: false${history !== undefined ? ', history: ' + history : ''} },
}
export default config
`)
const command = `const main = defineCommand({ meta: { name: 'host', version: '1.0.0' }, subCommands: { hello: defineCommand({ meta: { name: 'hello' }, run: () => { process.stdout.write('hello\\n') } }) } })`
writeFileSync(join(host, 'unperf.mjs'), `import { defineCommand } from 'citty'\nimport { runMain, withPerf } from 'unperf/citty'\n${command}\nawait runMain(withPerf(main))\n`)
writeFileSync(join(host, 'plain.mjs'), `import { defineCommand, runMain } from 'citty'\n${command}\nawait runMain(main)\n`)
mkdirSync(join(host, 'xdg'))
const env = { ...process.env, XDG_CACHE_HOME: join(host, 'xdg'), NODE_ENV: 'production', PERF_ENV: 'production' }
const swap = label => { try { unlinkSync(join(host, 'node_modules/unperf')) } catch {} symlinkSync(join(dir, 'pkg-' + label), join(host, 'node_modules/unperf')) }
const run = (script = 'unperf.mjs') => { const r = spawnSync(process.execPath, ['--predictable', script, 'hello'], { cwd: host, env, encoding: 'utf8' }); if (r.status) throw new Error(r.stderr) }
const count = (script = 'unperf.mjs') => {
  const r = spawnSync('valgrind', ['--tool=cachegrind', '--cache-sim=no', '--cachegrind-out-file=/dev/null', process.execPath, '--predictable', script, 'hello'], { cwd: host, env, encoding: 'utf8' })
  const m = /I\s+refs:\s+([\d,]+)/.exec(r.stderr); if (!m) throw new Error(r.stderr)
  return Number(m[1].replaceAll(',', '')) / 1e6
}
swap(dists[0][0])
for (let i = 0; i < 60; i++) run() // a history past the regression window (50) and the summary
const out = Object.fromEntries(dists.map(([l]) => [l, []]))
out.plain = []
for (let r = 0; r < rounds; r++) {
  for (const [label] of dists) { swap(label); run(); run(); out[label].push(count()) }
  run('plain.mjs'); out.plain.push(count('plain.mjs'))
  process.stderr.write(`round ${r + 1}: ${JSON.stringify(Object.fromEntries(Object.entries(out).map(([k, v]) => [k, v.at(-1).toFixed(2)])))}\n`)
}
const med = xs => { const s = [...xs].sort((a, b) => a - b); return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2 }
for (const [k, v] of Object.entries(out)) console.log(`${k}: median ${med(v).toFixed(2)} M (${v.map(x => x.toFixed(2)).join(' / ')})`)
