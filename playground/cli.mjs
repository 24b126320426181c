#!/usr/bin/env node
// The unperf playground: a small real citty CLI instrumented with unperf/citty.
//   node playground/cli.mjs deps          dependency graph of this repo's node_modules (cached)
//   node playground/cli.mjs hash [dir]    content hash of a file tree (cached by its files)
//   node playground/cli.mjs info          what unperf and the git-info plugin know
import { readdir, readFile } from 'node:fs/promises'
import { join, relative, resolve } from 'node:path'
import { defineCommand } from 'citty'
import { runMain, withPerf } from '../dist/citty.mjs'
import { getPerf, formatBytes } from '../dist/index.mjs'
import { graphFor } from './commands/deps.mjs'

const repo = resolve(import.meta.dirname, '..')
// crypto and zlib only where a command computes (not on a cached run): loaded on first use
const crypto = () => process.getBuiltinModule('node:crypto')
const zlib = () => process.getBuiltinModule('node:zlib')

const deps = defineCommand({
  meta: { name: 'deps', description: "Resolve the dependency graph of this repo's node_modules" },
  args: { top: { type: 'string', default: '5', description: 'How many of the heaviest packages to show' } },
  async run({ args }) {
    const graph = await graphFor(repo)
    console.log(`${graph.packages} packages, ${graph.files} files, ${formatBytes(graph.bytes)}, tree digest ${graph.integrity.slice(0, 16)}`)
    for (const p of graph.heaviest.slice(0, Number(args.top))) console.log(`  ${p.name.padEnd(32)} ${formatBytes(p.bytes).padStart(10)}  ${p.files} files`)
    console.log(`deepest chain: ${graph.deepest[0]?.name} (${graph.deepest[0]?.depth} levels)`)
  },
})

async function* walk(dir) {
  for (const e of await readdir(dir, { withFileTypes: true })) {
    if (e.name === 'node_modules' || e.name === '.git' || e.name === '.cache') continue
    const p = join(dir, e.name)
    if (e.isDirectory()) yield* walk(p)
    else if (e.isFile()) yield p
  }
}

const hash = defineCommand({
  meta: { name: 'hash', description: 'Content hash and gzip/brotli sizes of a file tree (cached by its files)' },
  args: { dir: { type: 'positional', required: false, default: 'src', description: 'Directory (relative to the repo)' } },
  async run({ args }) {
    const perf = getPerf()
    const dir = resolve(repo, args.dir)
    const digest = await perf.cache.wrap(`hash:${dir}`, async () => {
      const files = []
      for await (const f of walk(dir)) files.push(f)
      files.sort()
      const each = await perf.span('read + hash + compress', () => perf.pool('fs').map(files, async (f) => {
        const data = await readFile(f)
        return {
          sha: crypto().createHash('sha256').update(data).digest('hex'),
          bytes: data.length,
          gzip: zlib().gzipSync(data, { level: 9 }).length,
          brotli: zlib().brotliCompressSync(data, { params: { [zlib().constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
        }
      }))
      const h = crypto().createHash('sha256')
      files.forEach((f, i) => h.update(`${relative(dir, f)}\0${each[i].sha}\n`))
      const sum = key => each.reduce((a, e) => a + e[key], 0)
      return { digest: h.digest('hex'), files: files.length, bytes: sum('bytes'), gzip: sum('gzip'), brotli: sum('brotli') }
    }, { files: [`${dir}/**/*`] })
    console.log(`${digest.digest}  ${digest.files} files in ${relative(repo, dir) || '.'}: ${formatBytes(digest.bytes)}, gzip ${formatBytes(digest.gzip)}, brotli ${formatBytes(digest.brotli)}`)
  },
})

const info = defineCommand({
  meta: { name: 'info', description: 'What unperf and the git-info plugin know' },
  async run(ctx) {
    const perf = getPerf()
    const { config } = perf
    const git = await perf.cache.namespace('shared').get('git:head')
    console.log(`${config.name}@${config.version} env=${config.env}`)
    console.log(`cache: ${config.cache.enabled ? config.cache.tiers.map(t => t.driver).join(' → ') : 'off'} in ${config.cache.dir}`)
    console.log(`git: ${git ? `${git.branch} ${git.sha.slice(0, 12)}` : 'unknown'}`)
    console.log(`reports: ${config.report.dir}`)
  },
})

const main = defineCommand({
  meta: { name: 'playground', version: '1.0.0', description: 'A small CLI instrumented with unperf' },
  subCommands: { deps, hash, info },
})

await runMain(withPerf(main))
