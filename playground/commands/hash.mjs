// `hash [dir]`: content hash and gzip/brotli sizes of a file tree, cached by the tree's files
// (`files:` globs: the entry is recomputed exactly when one of them changes). crypto and zlib are
// loaded only when the cache misses.
import { readdir, readFile } from 'node:fs/promises'
import { join, relative, resolve } from 'node:path'
import { defineCommand } from 'citty'
import { formatBytes, getPerf } from '../../dist/index.mjs'

const repo = resolve(import.meta.dirname, '../..')
const crypto = () => process.getBuiltinModule('node:crypto')
const zlib = () => process.getBuiltinModule('node:zlib')

async function* walk(dir) {
  for (const e of await readdir(dir, { withFileTypes: true })) {
    if (e.name === 'node_modules' || e.name === '.git' || e.name === '.cache') continue
    const p = join(dir, e.name)
    if (e.isDirectory()) yield* walk(p)
    else if (e.isFile()) yield p
  }
}

export default defineCommand({
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
