// codegen: generates one TypeScript module per model of a schema (2 000 models here), each model's
// module depending on the modules of the models it references. Long-running (a watch-mode dev
// tool): every build() runs the generators as a dependency graph on the adaptive 'generate' pool;
// each generator renders on a worker thread, memoized in the cache by the hash of its inputs
// (its model, the target, and the digests of its dependencies' outputs).
import { createHash } from 'node:crypto'
import { createPerf } from 'unperf'

const GENERATOR = new URL('./generator.mjs', import.meta.url)
const TYPES = ['string', 'int', 'float', 'bool', 'date', 'id']

/** The schema: `count` models, each referencing 0–3 earlier ones (a DAG), deterministic. */
export function schema(count) {
  let seed = 42
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31)
  const name = i => `model_${String(i).padStart(4, '0')}`
  return Array.from({ length: count }, (_, i) => {
    const deps = new Set()
    const n = i === 0 ? 0 : Math.floor(random() * 4)
    // mostly recent models (layers), sometimes an old one (long edges)
    for (let d = 0; d < n; d++) deps.add(name(random() < 0.8 ? Math.max(0, i - 1 - Math.floor(random() * 40)) : Math.floor(random() * i)))
    return {
      name: name(i),
      doc: `Model ${i} of the schema, with ${deps.size} references`,
      deps: [...deps],
      fields: Array.from({ length: 10 + Math.floor(random() * 31) }, (_, f) => ({
        name: `field_${f}`, type: TYPES[Math.floor(random() * TYPES.length)], optional: random() < 0.3, max: 16 + Math.floor(random() * 240),
        doc: `field ${f} of model ${i}, described at some length for the API docs`,
      })),
    }
  })
}

export async function createCodegen({ rootDir, models }) {
  const perf = await createPerf({ rootDir })
  const pool = perf.pool('generate')
  const hash = s => createHash('sha256').update(s).digest('hex')

  /** One build of every model for `target`; returns the outputs and how the graph ran. */
  async function build(target) {
    const order = { start: new Map(), end: new Map(), seq: 0 }
    const concurrency = []
    let rendered = 0
    const started = performance.now()
    const onEnd = perf.hooks.hook('task:end', e => {
      if (e.pool !== 'generate') return
      const last = concurrency[concurrency.length - 1]
      if (!last || last.value !== pool.concurrency) concurrency.push({ at: performance.now() - started, done: pool.stats().completed, value: pool.concurrency })
    })
    const tasks = {}
    for (const model of models) {
      tasks[model.name] = {
        deps: model.deps,
        run: async ({ results }) => {
          order.start.set(model.name, ++order.seq)
          const depDigests = model.deps.map(d => results[d].digest)
          const key = `${target}:${model.name}:${hash(JSON.stringify([model, depDigests]))}`
          const out = await perf.cache.wrap(key, () => { rendered++; return perf.workers.run(GENERATOR, 'generate', [model, target, depDigests]) })
          order.end.set(model.name, ++order.seq)
          return { digest: out.digest, chars: out.code.length }
        },
      }
    }
    const result = await perf.run(`build ${target}`, () => perf.graph(tasks, { pool: 'generate' }))
    onEnd()
    // every node after its deps: each dep ended before the node started
    const misordered = models.filter(m => m.deps.some(d => !(order.end.get(d) < order.start.get(m.name)))).length
    return { ms: performance.now() - started, result, rendered, misordered, concurrency }
  }

  return { perf, pool, build }
}
