// The work behind `deps` (loaded only when the cache misses): the dependency graph of a node_modules
// tree: every package.json read, every file's size summed (fs.stat of each file), each package's
// content digest (sha256 of every file, like an integrity check), the heaviest packages and the
// deepest chains. Real, repeatable I/O and CPU.
import { createHash } from 'node:crypto'
import { readdir, readFile, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { getPerf } from '../../dist/index.mjs'

async function listPackages(modules) {
  const out = []
  for (const entry of await readdir(modules, { withFileTypes: true }).catch(() => [])) {
    if (!entry.isDirectory() || entry.name.startsWith('.')) continue
    const dir = join(modules, entry.name)
    if (entry.name.startsWith('@')) {
      for (const scoped of await readdir(dir, { withFileTypes: true })) if (scoped.isDirectory()) out.push(join(dir, scoped.name))
    } else out.push(dir)
  }
  return out
}

async function dirSize(dir, digest = createHash('sha256')) {
  let bytes = 0
  let files = 0
  const entries = (await readdir(dir, { withFileTypes: true }).catch(() => [])).sort((a, b) => (a.name < b.name ? -1 : 1))
  for (const e of entries) {
    const p = join(dir, e.name)
    if (e.isDirectory()) {
      if (e.name === 'node_modules') continue
      const sub = await dirSize(p, digest)
      bytes += sub.bytes
      files += sub.files
    } else if (e.isFile()) {
      const size = (await stat(p)).size
      digest.update(`${e.name}\0${size}\0`).update(createHash('sha256').update(await readFile(p)).digest())
      bytes += size
      files++
    }
  }
  return { bytes, files, digest }
}

async function packageSize(dir) {
  const { bytes, files, digest } = await dirSize(dir)
  return { bytes, files, integrity: `sha256-${digest.digest('base64')}` }
}

export async function resolveGraph(root) {
  const perf = getPerf()
  const modules = join(root, 'node_modules')
  const dirs = await perf.span('scan', () => listPackages(modules))
  const packages = await perf.span('read manifests', () => perf.pool('fs').map(dirs, async dir => {
    const pkg = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8'))
    return { name: pkg.name, version: pkg.version, dir, deps: Object.keys({ ...pkg.dependencies, ...pkg.optionalDependencies }) }
  }))
  const sizes = await perf.span('sizes', () => perf.pool('fs').map(packages, p => packageSize(p.dir)))
  return perf.span('graph', () => {
    const byName = new Map(packages.map((p, i) => [p.name, { ...p, ...sizes[i] }]))
    const depth = new Map()
    const depthOf = (name, seen = new Set()) => {
      if (depth.has(name)) return depth.get(name)
      if (seen.has(name) || !byName.has(name)) return 0
      seen.add(name)
      const d = 1 + Math.max(0, ...byName.get(name).deps.map(dep => depthOf(dep, seen)))
      depth.set(name, d)
      return d
    }
    for (const name of byName.keys()) depthOf(name)
    const list = [...byName.values()].map(p => ({ name: p.name, version: p.version, bytes: p.bytes, files: p.files, integrity: p.integrity, deps: p.deps.length, depth: depth.get(p.name) ?? 0 }))
    return {
      packages: list.length,
      files: list.reduce((a, p) => a + p.files, 0),
      bytes: list.reduce((a, p) => a + p.bytes, 0),
      integrity: createHash('sha256').update(list.map(p => `${p.name}@${p.version} ${p.integrity}`).sort().join('\n')).digest('hex'),
      heaviest: [...list].sort((a, b) => b.bytes - a.bytes).slice(0, 10),
      deepest: [...list].sort((a, b) => b.depth - a.depth).slice(0, 5),
    }
  })
}
