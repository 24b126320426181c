#!/usr/bin/env node
// envtool: resolves development environments (toolchain versions, PATH, a lock digest) and caches
// them in three tiers (perf.config.ts): L1 memory, L2 fs, L3 Redis shared by every machine.
//   envtool version
//   envtool resolve --from 0 --to 1000          resolve (and cache) a range of environments
//   envtool load --ops 10000 --keys 3000 --passes 2 --present 0-2000
//       10 000 concurrent get/set/wrap operations per pass; every value checked; JSON on stdout
import { parseArgs } from 'node:util'
import { createPerf } from 'unperf'

const { positionals, values: opts } = parseArgs({
  allowPositionals: true,
  options: { from: { type: 'string' }, to: { type: 'string' }, ops: { type: 'string' }, keys: { type: 'string' }, passes: { type: 'string' }, present: { type: 'string' } },
})
const command = positionals[0] ?? 'version'
const perf = await createPerf({ rootDir: import.meta.dirname })

/** The real work a cache miss costs: derive the environment of a project id (deterministic). */
async function resolveEnvironment(id) {
  const { createHash } = await import('node:crypto')
  const tools = {
    node: `${18 + (id % 4) * 2}.${id % 17}.${id % 5}`,
    pnpm: `${8 + (id % 3)}.${id % 11}.0`,
    python: `3.${9 + (id % 4)}.${id % 13}`,
    go: `1.${20 + (id % 4)}.${id % 7}`,
  }
  const path = Object.entries(tools).map(([tool, v]) => `/opt/envtool/${tool}/${v}/bin`)
  const lock = createHash('sha256').update(JSON.stringify({ id, tools, path })).digest('hex')
  return { id: `env-${id}`, tools, path, vars: { ENVTOOL_ID: String(id), ENVTOOL_LOCK: lock.slice(0, 16) }, lock }
}

const key = id => `env:${id}`

async function load() {
  const ops = Number(opts.ops ?? 10_000)
  const keys = Number(opts.keys ?? 3000)
  const passes = Number(opts.passes ?? 2)
  const [presentFrom, presentTo] = (opts.present ?? '0-0').split('-').map(Number)
  const expected = new Map()
  const expect = async id => {
    let e = expected.get(id)
    if (e === undefined) expected.set(id, (e = JSON.stringify(await resolveEnvironment(id))))
    return e
  }
  // per-tier hits as the cache reports them (cache:hit carries the tier index), misses, errors
  let tierHits = [0, 0, 0]
  let misses = 0
  const errorCodes = {}
  perf.hooks.hook('cache:hit', e => { tierHits[e.tier] = (tierHits[e.tier] ?? 0) + 1 })
  perf.hooks.hook('cache:miss', () => { misses++ })
  perf.hooks.hook('cache:error', e => { errorCodes[e.code] = (errorCodes[e.code] ?? 0) + 1 })
  const results = []
  for (let pass = 1; pass <= passes; pass++) {
    tierHits = [0, 0, 0]
    misses = 0
    let loads = 0
    let wrong = 0
    let thrown = 0
    let nullOfPresent = 0
    const mix = { get: 0, set: 0, wrap: 0 }
    const errorsBefore = perf.cache.stats().errors
    const started = performance.now()
    await perf.run('load', () => Promise.all(Array.from({ length: ops }, async () => {
      const id = Math.floor(Math.random() * keys)
      const r = Math.random()
      const op = r < 0.6 ? 'wrap' : r < 0.85 ? 'get' : 'set'
      mix[op]++
      try {
        let value
        if (op === 'wrap') value = await perf.cache.wrap(key(id), () => { loads++; return resolveEnvironment(id) })
        else if (op === 'get') value = await perf.cache.get(key(id))
        else {
          value = await resolveEnvironment(id)
          await perf.cache.set(key(id), value)
        }
        if (value === null) {
          // a get may miss a key nobody wrote yet; a key written before this run must be found
          if (id >= presentFrom && id < presentTo) nullOfPresent++
        } else if (JSON.stringify(value) !== await expect(id)) wrong++
      } catch {
        thrown++
      }
    })))
    const ms = performance.now() - started
    results.push({ pass, ops, ms, mix, tierHits, misses, loads, wrong, thrown, nullOfPresent, cacheErrors: perf.cache.stats().errors - errorsBefore })
  }
  // afterwards, every key any pass touched must read back right (through whichever tier has it)
  const ids = Array.from({ length: keys }, (_, i) => i)
  const all = await perf.cache.getMany(ids.map(key))
  let checkedWrong = 0
  let present = 0
  for (const [i, v] of all.entries()) {
    if (v === null) continue
    present++
    if (JSON.stringify(v) !== await expect(i)) checkedWrong++
  }
  return { passes: results, final: { keys, present, wrong: checkedWrong }, errorCodes, stats: perf.cache.stats() }
}

let out
try {
  out = await perf.run(command, async () => {
    switch (command) {
      case 'version':
        return '1.0.0'
      case 'resolve': {
        const from = Number(opts.from ?? 0)
        const to = Number(opts.to ?? 100)
        const envs = await Promise.all(Array.from({ length: to - from }, (_, i) => perf.cache.wrap(key(from + i), () => resolveEnvironment(from + i))))
        return { resolved: envs.length, stats: perf.cache.stats() }
      }
      case 'load':
        return load()
      default:
        throw new Error(`envtool: unknown command '${command}' (version, resolve, load)`)
    }
  })
} finally {
  await perf.close()
}
process.stdout.write((typeof out === 'string' ? out : JSON.stringify(out)) + '\n')
