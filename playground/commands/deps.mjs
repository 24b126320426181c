// `deps`: the dependency graph of this repo's node_modules, cached until the lockfile changes.
// What a warm run needs is here; the work behind a miss (fs walks, hashing: node:crypto,
// node:fs/promises) is in deps-graph.mjs, imported only then: a start that answers from the
// cache loads none of it (`unperf profile` shows what each module costs a start).
import { defineCommand } from 'citty'
import { formatBytes, getPerf } from '../../dist/index.mjs'

const { resolve } = process.getBuiltinModule('node:path')

export function graphFor(root) {
  const perf = getPerf()
  const lockfile = resolve(root, 'package-lock.json')
  // rerun exactly when the lockfile changes; otherwise the cached graph answers
  return perf.cache.wrap(`deps:${root}`, async () => (await import('./deps-graph.mjs')).resolveGraph(root), { files: [lockfile] })
}

export default defineCommand({
  meta: { name: 'deps', description: "Resolve the dependency graph of this repo's node_modules" },
  args: { top: { type: 'string', default: '5', description: 'How many of the heaviest packages to show' } },
  async run({ args }) {
    const graph = await graphFor(resolve(import.meta.dirname, '../..'))
    console.log(`${graph.packages} packages, ${graph.files} files, ${formatBytes(graph.bytes)}, tree digest ${graph.integrity.slice(0, 16)}`)
    for (const p of graph.heaviest.slice(0, Number(args.top))) console.log(`  ${p.name.padEnd(32)} ${formatBytes(p.bytes).padStart(10)}  ${p.files} files`)
    console.log(`deepest chain: ${graph.deepest[0]?.name} (${graph.deepest[0]?.depth} levels)`)
  },
})
