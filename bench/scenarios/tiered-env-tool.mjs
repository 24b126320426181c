#!/usr/bin/env node
// Scenario 3 (issue 9): a tiered-cache environment tool. The program is
// bench/scenarios/tiered-env-tool/ (cli.mjs + perf.config.ts: L1 memory, L2 fs, L3 Redis), installed
// in a temp package with node_modules/unperf. Two "machines" (two cache dirs) share one real
// redis-server: A resolves envs 0–999, B resolves 1000–1999, then A runs 2 passes of 10 000
// concurrent get/set/wrap operations over 3 000 keys (envs of B reach A only through Redis).
// Prints per-tier hit rates, errors (target 0), wrong values (target 0), and the warm startup
// overhead of `envtool version` over bare node with the Redis tier configured (target ≤ 10 ms;
// whole processes, variants in random order each round, paired with bare node within the round).
//   node scripts/build.mjs --no-dts && node bench/scenarios/tiered-env-tool.mjs [--rounds 20] [--ops 10000]
//   ... --startup-only: only the startup part (quick re-run after start-path work; results file untouched)
// Redis: REDIS_URL, else a redis-server started on a free loopback port.
import { spawnSync } from 'node:child_process'
import { connect } from 'node:net'
import { readFileSync, readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { installFixture, machine, median, startRedis, writeResult } from './_fixture.mjs'

const arg = (name, fallback) => { const i = process.argv.indexOf(`--${name}`); return i > 0 ? Number(process.argv[i + 1]) : fallback }
const rounds = arg('rounds', 20)
const OPS = arg('ops', 10_000)
const KEYS = 3000
const TARGET_MS = 10
const startupOnly = process.argv.includes('--startup-only')

const dir = installFixture('tiered-env-tool')
writeFileSync(join(dir, 'bare.mjs'), '') // bare node: an empty ES module in the same package
const redis = await startRedis()
const env = xdg => ({ ...process.env, REDIS_URL: redis.url, XDG_CACHE_HOME: join(dir, xdg), NODE_ENV: 'production', PERF_ENV: 'production' })
function envtool(xdg, args, extraEnv = {}, script = 'cli.mjs') {
  const start = process.hrtime.bigint()
  const r = spawnSync(process.execPath, [join(dir, script), ...args], { cwd: dir, env: { ...env(xdg), ...extraEnv }, encoding: 'utf8' })
  const ms = Number(process.hrtime.bigint() - start) / 1e6
  if (r.status !== 0) throw new Error(`envtool ${args.join(' ')}: exit ${r.status}\n${r.stderr}`)
  return { ms, out: r.stdout.trim(), stderr: r.stderr.trim() }
}
function bare() {
  const start = process.hrtime.bigint()
  spawnSync(process.execPath, [join(dir, 'bare.mjs')], { cwd: dir })
  return Number(process.hrtime.bigint() - start) / 1e6
}

// --- 1. two machines fill their own fs tier and the shared Redis tier ---
const seedA = startupOnly ? undefined : JSON.parse(envtool('machine-a', ['resolve', '--from', '0', '--to', '1000']).out)
const seedB = startupOnly ? undefined : JSON.parse(envtool('machine-b', ['resolve', '--from', '1000', '--to', '2000']).out)

// --- 2. 10 000 concurrent operations on machine A, twice (L1 empty at first, then warm) ---
const loadRun = startupOnly ? { out: '{"passes":[],"final":{"keys":0,"present":0,"wrong":0},"errorCodes":{}}', stderr: '' } : envtool('machine-a', ['load', '--ops', String(OPS), '--keys', String(KEYS), '--passes', '2', '--present', '0-2000'])
const load = JSON.parse(loadRun.out)

// --- 3. lazy connection: does a command that uses no cache open a Redis connection? (INFO's counter) ---
function redisConnections() {
  const { hostname, port } = new URL(redis.url)
  return new Promise((done, fail) => {
    let text = ''
    const socket = connect(Number(port || 6379), hostname, () => socket.write('INFO stats\r\n'))
    socket.on('data', chunk => {
      text += chunk
      const m = /total_connections_received:(\d+)/.exec(text)
      if (m) { socket.end(); done(Number(m[1])) }
    })
    socket.on('error', fail)
  })
}
const connectionsBefore = await redisConnections()
for (let i = 0; i < 3; i++) envtool('machine-a', ['version'])
// minus our own INFO connection; exact with our own redis-server (a shared REDIS_URL may count other clients)
const versionConnections = (await redisConnections()) - connectionsBefore - 1

// --- 4. warm startup overhead over bare node: Redis tier configured vs the same tool without it ---
const variants = {
  'bare node': () => bare(),
  'envtool version without unperf': () => envtool('machine-a', ['version'], {}, 'cli-plain.mjs').ms,
  'envtool version (L1+L2+L3)': () => envtool('machine-a', ['version']).ms,
  'envtool version (L1+L2 only)': () => envtool('machine-a', ['version'], { ENVTOOL_LOCAL: '1' }).ms,
}
for (const run of Object.values(variants)) run() // warm-up: OS file cache, config snapshot
const samples = Object.fromEntries(Object.keys(variants).map(k => [k, []]))
for (let i = 0; i < rounds; i++) {
  for (const name of Object.keys(variants).sort(() => Math.random() - 0.5)) samples[name].push(variants[name]())
  process.stderr.write(`\rstartup round ${i + 1}/${rounds}`)
}
process.stderr.write('\n')
const paired = (a, b) => samples[a].map((x, i) => x - samples[b][i])
const mad = xs => { const m = median(xs); return median(xs.map(x => Math.abs(x - m))) * 1.4826 }
const tiered = paired('envtool version (L1+L2+L3)', 'bare node')
const local = paired('envtool version (L1+L2 only)', 'bare node')
const plainTool = paired('envtool version without unperf', 'bare node')
const overUnperfLess = paired('envtool version (L1+L2+L3)', 'envtool version without unperf')
const redisCost = paired('envtool version (L1+L2+L3)', 'envtool version (L1+L2 only)')
const overhead = median(tiered)
// noise: ~95 % interval of a median (standard error ≈ 1.253 σ / √n, σ estimated by 1.4826 MAD)
const noiseOf = xs => Math.max(1, 1.96 * 1.253 * mad(xs) / Math.sqrt(xs.length))
const noise = noiseOf(tiered)
const verdict = overhead <= TARGET_MS ? 'met' : overhead - noise <= TARGET_MS ? `not shown: within noise (±${noise.toFixed(1)} ms)` : 'MISSED'

// unperf's own phases in the last warm `version` run (report.json in machine A's cache dir)
function lastReport(root) {
  const find = d => { for (const e of readdirSync(d, { withFileTypes: true })) { const p = join(d, e.name); if (e.isDirectory()) { const f = find(p); if (f) return f } else if (e.name === 'report.json') return p } }
  return JSON.parse(readFileSync(find(root), 'utf8'))
}
const versionReport = lastReport(join(dir, 'machine-a'))

// --- figures ---
const f = n => `${n >= 0 ? '+' : ''}${n.toFixed(1)} ms`
const pct = (a, b) => b === 0 ? '–' : `${(a / b * 100).toFixed(1)} %`
const lines = []
const say = s => { lines.push(s); console.log(s) }
say(`scenario 3: tiered-cache environment tool (${machine()}, redis ${redis.own ? 'started on a free port' : 'from REDIS_URL'})`)
if (!startupOnly) say(`  seed: machine A resolved 1000 envs (${seedA.stats.errors} cache errors), machine B 1000 others (${seedB.stats.errors} cache errors), both through L1/L2/L3`)
let errors = startupOnly ? 0 : seedA.stats.errors + seedB.stats.errors
let wrong = load.final.wrong
let notFound = 0
for (const p of load.passes) {
  const lookups = p.tierHits.reduce((a, b) => a + b, 0) + p.misses
  const [l1, l2, l3] = p.tierHits
  say(`  pass ${p.pass}: ${p.ops} concurrent ops (wrap ${p.mix.wrap}, get ${p.mix.get}, set ${p.mix.set}) in ${p.ms.toFixed(0)} ms (${Math.round(p.ops / p.ms * 1000)}/s); ${p.loads} loader calls`)
  say(`    hit rate per tier over ${lookups} lookups: L1 memory ${pct(l1, lookups)} (${l1}), L2 fs ${pct(l2, lookups - l1)} of what reached it (${l2}), L3 redis ${pct(l3, lookups - l1 - l2)} of what reached it (${l3}); ${p.misses} misses`)
  say(`    wrong values ${p.wrong}, thrown ${p.thrown}, cache errors ${p.cacheErrors}, keys written before the run not found ${p.nullOfPresent}`)
  errors += p.cacheErrors + p.thrown
  wrong += p.wrong
  notFound += p.nullOfPresent
}
if (!startupOnly) say(`  afterwards: ${load.final.present}/${load.final.keys} keys present, ${load.final.wrong} wrong; cache error codes: ${JSON.stringify(load.errorCodes)}`)
if (loadRun.stderr) say(`  envtool warned: ${loadRun.stderr.split('\n').join(' | ')}`)
say(`  warm startup, ${rounds} rounds (paired medians vs bare node in the same round; bare node median ${median(samples['bare node']).toFixed(1)} ms):`)
say(`    envtool version, L1+L2+L3: ${f(overhead)} ± ${noise.toFixed(1)} (target ≤ ${TARGET_MS} ms: ${verdict})`)
say(`    of which the tool itself (cli-plain.mjs: the same entry without unperf, its parseArgs and stdout): ${f(median(plainTool))} ± ${noiseOf(plainTool).toFixed(1)}; unperf's part (L1+L2+L3 minus that): ${f(median(overUnperfLess))} ± ${noiseOf(overUnperfLess).toFixed(1)}`)
say(`    envtool version, L1+L2 only: ${f(median(local))} ± ${noiseOf(local).toFixed(1)}; with minus without the Redis tier: ${f(median(redisCost))} ± ${noiseOf(redisCost).toFixed(1)}`)
say(`    Redis connections opened by 3 runs of \`envtool version\` (redis INFO total_connections_received): ${versionConnections}`)
say(`    unperf's phases in the last warm run: ${versionReport.startup.phases.map(p => `${p.name} ${p.duration.toFixed(1)} ms`).join(', ')}; cache lookups ${versionReport.cache.hits + versionReport.cache.misses}`)
const ok = errors === 0 && wrong === 0 && notFound === 0 && versionConnections === 0 && overhead - noise <= TARGET_MS
say(`  targets: ${startupOnly ? '(startup only) ' : `zero errors ${errors === 0 ? 'met' : `MISSED (${errors})`}, values right ${wrong === 0 && notFound === 0 ? 'met' : `MISSED (${wrong} wrong, ${notFound} written keys not found)`}, `}Redis off the start path ${versionConnections === 0 ? 'met' : 'MISSED'}, startup ≤ ${TARGET_MS} ms ${verdict}`)

if (!startupOnly) writeResult('scenario-tiered-env-tool', `# Scenario 3: a tiered-cache environment tool (issue 9)

Command (after \`node scripts/build.mjs --no-dts\`; uses \`REDIS_URL\` or starts a redis-server on a free port):

\`\`\`
node bench/scenarios/tiered-env-tool.mjs --rounds ${rounds} --ops ${OPS}
\`\`\`

The program is [bench/scenarios/tiered-env-tool/](bench/scenarios/tiered-env-tool/) (\`cli.mjs\`, \`perf.config.ts\` with
\`driver: ['memory', 'fs', { driver: 'redis', url }]\`), installed in a temp package with \`node_modules/unperf\`.
Two machines (two cache dirs) share one Redis: A resolves envs 0–999, B 1000–1999; then A runs two passes of
${OPS} operations launched at once (60 % \`wrap\`, 25 % \`get\`, 15 % \`set\`, uniform over ${KEYS} keys), checking
every value against a fresh computation. Per-tier hits come from the \`cache:hit\` hook's \`tier\`.
Startup: whole processes of \`envtool version\`, with and without the Redis tier, the same entry without
unperf (\`cli-plain.mjs\`) and bare node, in random order each round; overhead = median of the per-round
differences. The target is judged over bare node; the line under it splits that into the tool's own start and unperf's.

## Output, ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC

\`\`\`
${lines.join('\n')}
\`\`\`

Reading:
- Pass 1 starts with an empty L1 and all ${OPS} operations in flight before any completes, so L1 cannot hit;
  L2 serves this machine's keys, L3 the other machine's. Pass 2 is served by L1.
- This scenario found three faults in the remote-tier path, fixed on 2026-11-25 (src/drivers/tiers.ts,
  src/drivers/redis.ts; test/cache/redis-busy-loop.test.ts). Before them the same run gave ~9 800 cache errors
  in pass 1, L3 served nothing, and ~830 keys written by machine B were not found: (1) a call's timeout fired
  for replies already in the socket (timers run before I/O in the event loop: after any busy stretch longer than
  \`timeout\` the reply lost the race); (2) while the burst itself saturated the process, calls timed out on time
  spent waiting for the loop, and ioredis' own connect timer fired before its 'connect' event, failing all
  queued commands; (3) every failed call in flight escalated the backoff, so one incident jumped to the 30 s cap.
- The fs tier's I/O in the burst: small entries are read and written with sync calls for the first ~2 ms of each
  turn of the event loop, the rest through the thread pool as before (src/drivers/_fs-sync.ts), so the burst is
  as fast as with the pool alone and the loop keeps turning; the tier's first write makes its dir once (sync).
  Still slow, for the cache owners (CPU profile of 10 000 concurrent wraps on memory + fs + Redis, 2026-11-25):
  GC takes 15–25 % of the burst, and ioredis encodes each command's string on its own (~0.8 s of
  \`writeUtf8String\` for ~20 000 commands, though corked into few syscalls).
- Startup: the Redis tier adds nothing measurable and opens no connection on a command that uses no cache;
  the overhead over bare node is unperf's own start path (module load, config, report at close), the same as
  in startup.md. Absolute figures are inflated by the load average printed above (bare node itself took
  ${(median(samples['bare node']) / 1000).toFixed(2)} s here); rerun on a quiet machine with \`--rounds 40\`, or only this part with
  \`--startup-only\`.
`)
process.exit(ok ? 0 : 1)
