#!/usr/bin/env node
// Scenario 4 (issue 9): a code generator. The program is bench/scenarios/code-generator/
// (codegen.mjs, generator.mjs run on worker threads, perf.config.ts: memory cache maxSize '50MB',
// pool 'generate' with concurrency 'adaptive'), installed in a temp package with node_modules/unperf.
// 2 000 generators form a dependency graph; watch-mode style, one process builds target 'esm' cold,
// again warm (nothing changed), then target 'cjs' (new keys: the LRU limit has to evict).
// Prints cold/warm time and speedup, graph correctness (every node after its deps, warm outputs
// identical to cold), the adaptive concurrency over time, cache size by info() (target ≤ 50 MB + 10 %)
// and evictions.
//   node scripts/build.mjs --no-dts && node bench/scenarios/code-generator.mjs [--models 2000]
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { installFixture, machine, removeAtExit, writeResult } from './_fixture.mjs'

const i = process.argv.indexOf('--models')
const MODELS = i > 0 ? Number(process.argv[i + 1]) : 2000
const LIMIT = 50e6 // '50MB' (1000-based, API.md)

const dir = installFixture('code-generator')
process.env.XDG_CACHE_HOME = join(dir, 'xdg') // reports go to the tool's cache dir
const { createCodegen, schema } = await import(pathToFileURL(join(dir, 'codegen.mjs')).href)
const models = schema(MODELS)
const edges = models.reduce((n, m) => n + m.deps.length, 0)
const codegen = await createCodegen({ rootDir: dir, models })
const { perf } = codegen
removeAtExit(dir) // after unperf's exit handler (see _fixture.mjs)

const cold = await codegen.build('esm')
const afterCold = await perf.cache.info()
const warm = await codegen.build('esm')
const other = await codegen.build('cjs')
const info = await perf.cache.info()
const stats = perf.cache.stats()
const poolStats = codegen.pool.stats()
await perf.close()

// --- checks ---
const builds = { 'esm cold': cold, 'esm warm': warm, 'cjs cold': other }
const graphOk = Object.values(builds).every(b => b.result.ran.length === MODELS && b.result.failed.length === 0 && b.result.skipped.length === 0 && b.misordered === 0)
const sameOutputs = models.every(m => warm.result.results[m.name].digest === cold.result.results[m.name].digest)
const differs = models.filter(m => other.result.results[m.name].digest === cold.result.results[m.name].digest).length
const sizeOk = info.bytes <= LIMIT * 1.1 && afterCold.bytes <= LIMIT * 1.1
const ok = graphOk && sameOutputs && differs === 0 && sizeOk && stats.errors === 0

const mb = n => `${(n / 1e6).toFixed(1)} MB`
function timeline(points) {
  // at most ~14 change points: the first, the last, and evenly spaced ones between
  const step = Math.max(1, Math.ceil(points.length / 12))
  const shown = points.filter((_, k) => k % step === 0 || k === points.length - 1)
  return shown.map(p => `${(p.at / 1000).toFixed(2)} s: ${p.value}`).join(' → ')
}
const range = points => { const v = points.map(p => p.value); return `min ${Math.min(...v)}, max ${Math.max(...v)}, ${points.length - 1} changes` }

const lines = []
const say = s => { lines.push(s); console.log(s) }
say(`scenario 4: code generator (${machine()}), ${MODELS} generators, ${edges} dependency edges, worker threads: concurrency.workers.max 'auto'`)
say(`  esm cold ${cold.ms.toFixed(0)} ms (${cold.rendered} rendered on workers), esm warm ${warm.ms.toFixed(0)} ms (${warm.rendered} rendered): ${(cold.ms / warm.ms).toFixed(1)}× faster warm`)
say(`  cjs (new keys, same process) ${other.ms.toFixed(0)} ms (${other.rendered} rendered)`)
say(`  graph: ${Object.entries(builds).map(([n, b]) => `${n} ${b.result.ran.length}/${MODELS} ran, ${b.result.failed.length} failed, ${b.misordered} nodes started before a dep ended`).join('; ')}`)
say(`  outputs: warm identical to cold for ${sameOutputs ? 'all' : 'NOT all'} ${MODELS} modules; cjs differs from esm for ${MODELS - differs}/${MODELS}`)
say(`  adaptive concurrency of pool 'generate' (time since the build's start: limit):`)
for (const [n, b] of Object.entries(builds)) say(`    ${n}: ${timeline(b.concurrency)} (${range(b.concurrency)})`)
say(`    pool totals: ${poolStats.completed} tasks completed, ${poolStats.failed} failed, final limit ${poolStats.concurrency}`)
say(`  cache (memory, maxSize 50MB): after esm ${mb(afterCold.bytes)} in ${afterCold.entries} entries; after cjs ${mb(info.bytes)} in ${info.entries} entries by info() (target ≤ ${mb(LIMIT * 1.1)}: ${sizeOk ? 'met' : 'MISSED'}); ${stats.evictions} evictions, hit rate ${(stats.hitRate * 100).toFixed(1)} %, ${stats.errors} errors`)
say(`  targets: graph correct ${graphOk ? 'met' : 'MISSED'}, warm = cold ${sameOutputs ? 'met' : 'MISSED'}, cache ≤ 50 MB + 10 % ${sizeOk ? 'met' : 'MISSED'}`)

writeResult('scenario-code-generator', `# Scenario 4: a code generator (issue 9)

Command (after \`node scripts/build.mjs --no-dts\`):

\`\`\`
node bench/scenarios/code-generator.mjs --models ${MODELS}
\`\`\`

The program is [bench/scenarios/code-generator/](bench/scenarios/code-generator/): \`codegen.mjs\` builds one TypeScript
module per model of a generated schema (${MODELS} models, each referencing 0–3 others: ${edges} edges) as a
\`perf.graph()\` on the pool \`generate\` (\`concurrency: 'adaptive'\` in \`perf.config.ts\`); each generator renders
its module on a worker thread (\`perf.workers.run(generator.mjs, 'generate')\`: template rendering, a
formatting pass, sha256 of inputs and output), memoized with \`perf.cache.wrap()\` under the hash of its inputs
(its model and its dependencies' output digests) in a memory cache with \`maxSize: '50MB'\`. One process, as
a watch-mode tool: target \`esm\` cold, \`esm\` again (warm, nothing changed), then target \`cjs\` (all new keys,
so the LRU limit evicts). A node "started before a dep ended" would be a scheduling bug.

## Output, ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC

\`\`\`
${lines.join('\n')}
\`\`\`

Reading:
- Warm, every generator is a cache hit (no worker call); what remains is the graph itself, hashing each
  generator's inputs (sha256 of its model and its dependencies' digests) and the pool.
- The adaptive limit starts at the core count and moves between 1 and 4 × cores: with two worker threads,
  more in flight only queues in the worker pool, latency rises and AIMD backs off; it oscillates rather than
  settling, since each window compares only with the previous one.
- The size is the memory tier's estimate (2 bytes per string character), which \`maxSize\` and \`info()\` use.
  Sizing matters: with outputs of one build slightly over 50 MB (tried: ~25 KB each), the warm build missed
  every key, as any LRU does on a cyclic scan larger than itself.
`)
process.exit(ok ? 0 : 1)
