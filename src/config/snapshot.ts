/**
 * The config fast path: a content-addressed snapshot of the transpiled config, imported natively.
 *
 * Warm start: read a small manifest, stat every input it lists (config files, their local imports,
 * .perfrc, package.json, and the config names that were absent), import the snapshot module(s).
 * Any change (mtime, ctime, size, inode; content re-hashed when the mtime is within 2 s of the
 * build) makes it stale: the caller loads through c12 and rebuilds the snapshot with esbuild.
 * Local imports are bundled in; package imports stay live (resolved from rootDir's node_modules).
 */
import { crypto } from '../runtime/_builtins.js'
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs'
import { dirname, extname, join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { platformCacheDir, shortHash } from '../runtime/project.js'
import { packageRoot, selfAliases } from './c12.js'
import type { RawLayer } from './layers.js'

const FORMAT = 1
const CODE_EXT = new Set(['.ts', '.mts', '.cts', '.js', '.mjs', '.cjs'])
/** c12's resolution order for `perf.config`. */
const EXTENSIONS = ['.js', '.ts', '.mjs', '.cjs', '.mts', '.cts', '.json', '.jsonc', '.json5', '.yaml', '.yml', '.toml']

interface InputStat {
  path: string
  exists: boolean
  mtimeMs?: number
  ctimeMs?: number
  size?: number
  ino?: number
  hash?: string
}
interface ManifestLayer {
  source: RawLayer['source']
  file?: string
  /** Snapshot module file name (code layers). */
  module?: string
  /** Inline data (json, rc, package.json layers). */
  data?: Record<string, unknown>
}
interface Manifest {
  format: number
  /** The rootDir it was built for: a node_modules shared through a symlink must not leak another project's config. */
  rootDir: string
  builtAt: number
  unperf: string
  inputs: InputStat[]
  layers: ManifestLayer[]
  configFile?: string
}

/** Where snapshots live: `<rootDir>/node_modules/.cache/unperf/config`, else the platform cache dir. */
function snapshotDirs(rootDir: string): string[] {
  return [join(rootDir, 'node_modules', '.cache', 'unperf', 'config'), join(platformCacheDir('unperf'), 'config-snapshots', shortHash(rootDir))]
}
function manifestName(configFile: string | undefined): string {
  return `manifest-${shortHash(configFile ?? 'perf.config', 8)}.json`
}

/** The candidate paths c12 would try for the main config, in order. */
export function configCandidates(rootDir: string, configFile: string | undefined): string[] {
  const name = configFile ?? 'perf.config'
  const base = resolve(rootDir, name)
  if (extname(name) && EXTENSIONS.includes(extname(name))) return [base]
  const stem = name.replace(/\.config$/, '')
  return [
    ...EXTENSIONS.map(ext => base + ext),
    ...EXTENSIONS.map(ext => resolve(rootDir, '.config', stem) + ext),
    ...EXTENSIONS.map(ext => resolve(rootDir, '.config', name) + ext),
  ]
}

function statInput(path: string): InputStat {
  const s = statSync(path, { throwIfNoEntry: false })
  return s ? { path, exists: true, mtimeMs: s.mtimeMs, ctimeMs: s.ctimeMs, size: s.size, ino: s.ino } : { path, exists: false }
}

function hashFile(path: string): string | undefined {
  // a 64-bit JS hash of a small config file: loading node:crypto would cost ~10 ms on a warm start
  try { return shortHash(readFileSync(path, 'latin1')) } catch { return undefined }
}

function unperfVersion(): string {
  return typeof __UNPERF_VERSION__ === 'string' ? __UNPERF_VERSION__ : 'dev'
}

/** The snapshot's raw layers, or undefined when there is none or any input changed. */
export async function readSnapshot(rootDir: string, configFile: string | undefined): Promise<{ layers: RawLayer[]; configFile?: string } | undefined> {
  for (const dir of snapshotDirs(rootDir)) {
    let manifest: Manifest
    try { manifest = JSON.parse(readFileSync(join(dir, manifestName(configFile)), 'utf8')) as Manifest } catch { continue }
    if (manifest.format !== FORMAT || manifest.unperf !== unperfVersion() || manifest.rootDir !== rootDir) return undefined
    let rehashed = false
    for (const input of manifest.inputs) {
      const now = statInput(input.path)
      if (now.exists !== input.exists) return undefined
      if (!now.exists) continue
      if (now.size !== input.size || now.mtimeMs !== input.mtimeMs || now.ctimeMs !== input.ctimeMs || now.ino !== input.ino) return undefined
      // An edit that keeps mtime (cp -p, tar) within the build's second: compare content.
      if (Math.abs(manifest.builtAt - now.mtimeMs!) < 2000 && input.hash !== undefined) {
        if (hashFile(input.path) !== input.hash) return undefined
        rehashed = true
      }
    }
    // content verified and the racy window over: move builtAt so later starts need no re-hash
    if (rehashed && manifest.inputs.every(i => !i.exists || Date.now() - i.mtimeMs! > 2000)) {
      try { writeAtomic(join(dir, manifestName(configFile)), JSON.stringify({ ...manifest, builtAt: Date.now() })) } catch { /* read-only: fine */ }
    }
    const layers: RawLayer[] = []
    for (const layer of manifest.layers) {
      let config: Record<string, unknown>
      if (layer.module) {
        const mod = (await import(pathToFileURL(join(dir, layer.module)).href)) as { default?: unknown }
        let value = mod.default
        if (typeof value === 'function') value = await (value as () => unknown)()
        config = structuredCloneSafe(value)
      } else config = structuredCloneSafe(layer.data)
      layers.push({ source: layer.source, ...(layer.file && { file: layer.file }), config })
    }
    return { layers, ...(manifest.configFile && { configFile: manifest.configFile }) }
  }
  return undefined
}

/** Builds the snapshot from c12's layers. Never throws: a failure only means no fast path next time. */
export async function writeSnapshot(rootDir: string, configFile: string | undefined, mainFile: string | undefined, layers: RawLayer[]): Promise<boolean> {
  try {
    const builtAt = Date.now()
    const inputs = new Map<string, InputStat>()
    const addInput = (path: string) => {
      if (inputs.has(path)) return
      const s = statInput(path)
      if (s.exists && Math.abs(builtAt - s.mtimeMs!) < 2000) s.hash = hashFile(path)
      inputs.set(path, s)
    }
    for (const candidate of configCandidates(rootDir, configFile)) {
      addInput(candidate)
      if (candidate === mainFile) break
    }
    addInput(join(rootDir, '.perfrc'))
    addInput(join(rootDir, 'package.json'))
    const modules: { name: string; code: string }[] = []
    const manifestLayers: ManifestLayer[] = []
    for (const layer of layers) {
      if (layer.source === 'overrides') continue
      const file = layer.file
      if (file && CODE_EXT.has(extname(file))) {
        const { code, inputs: bundled } = await bundleConfig(file)
        for (const input of bundled) addInput(input)
        const name = `${layer.source}-${crypto().createHash('sha256').update(code).digest('hex').slice(0, 16)}.mjs`
        modules.push({ name, code })
        manifestLayers.push({ source: layer.source, file, module: name })
      } else {
        if (file) addInput(file)
        if (!isJsonSafe(layer.config)) return false
        manifestLayers.push({ source: layer.source, ...(file && { file }), data: layer.config })
      }
    }
    const manifest: Manifest = { format: FORMAT, rootDir, builtAt, unperf: unperfVersion(), inputs: [...inputs.values()], layers: manifestLayers, ...(mainFile && { configFile: mainFile }) }
    for (const dir of snapshotDirs(rootDir)) {
      try {
        mkdirSync(dir, { recursive: true, mode: 0o700 })
        for (const m of modules) writeAtomic(join(dir, m.name), m.code)
        writeAtomic(join(dir, manifestName(configFile)), JSON.stringify(manifest))
        return true
      } catch {
        // unwritable (e.g. a global install): try the next location
      }
    }
    return false
  } catch {
    return false
  }
}

// --- internal ---

async function bundleConfig(file: string): Promise<{ code: string; inputs: string[] }> {
  const esbuild = await import('esbuild')
  const aliases = selfAliases()
  const result = await esbuild.build({
    entryPoints: [file],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    metafile: true,
    logLevel: 'silent',
    absWorkingDir: dirname(file),
    plugins: [{
      name: 'unperf-snapshot',
      setup(build) {
        // `definePerfConfig`/`definePerfPlugin` are identities: no import at all on the warm path.
        build.onResolve({ filter: /^unperf\/config$/ }, () => ({ path: 'unperf/config', namespace: 'unperf-config' }))
        build.onLoad({ filter: /.*/, namespace: 'unperf-config' }, () => ({
          contents: 'export const definePerfConfig = (c) => c\nexport const definePerfPlugin = (p) => p\n',
          loader: 'js',
        }))
        // `unperf` itself: the very module instance the host runs.
        if (aliases.unperf) build.onResolve({ filter: /^unperf$/ }, () => ({ path: aliases.unperf!, external: true }))
        // import.meta.url / __dirname of each file point at the file, not at the snapshot.
        build.onLoad({ filter: /\.[cm]?[jt]s$/ }, args => {
          const source = readFileSync(args.path, 'utf8')
          const url = JSON.stringify(pathToFileURL(args.path).href)
          const contents = source
            .replaceAll('import.meta.url', url)
            .replaceAll('import.meta.dirname', JSON.stringify(dirname(args.path)))
            .replaceAll('import.meta.filename', JSON.stringify(args.path))
            .replace(/\b__dirname\b/g, JSON.stringify(dirname(args.path)))
            .replace(/\b__filename\b/g, JSON.stringify(args.path))
          const ext = extname(args.path)
          return { contents, loader: ext.includes('t') && ext !== '.mjs' && ext !== '.cjs' && ext !== '.js' ? 'ts' : 'js' }
        })
      },
    }],
  })
  const code = result.outputFiles[0]!.text
  const inputs = Object.keys(result.metafile.inputs)
    .filter(p => !p.startsWith('unperf-config:'))
    .map(p => resolve(dirname(file), p))
  return { code, inputs }
}

function writeAtomic(path: string, data: string): void {
  const tmp = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`
  writeFileSync(tmp, data, { mode: 0o600 })
  renameSync(tmp, path)
}

function isJsonSafe(value: unknown): boolean {
  try { return JSON.stringify(JSON.parse(JSON.stringify(value))) === JSON.stringify(value) } catch { return false }
}

function structuredCloneSafe(value: unknown): Record<string, unknown> {
  return value && typeof value === 'object' ? (value as Record<string, unknown>) : {}
}

/** For tests and `unperf doctor`: where this package lives. */
export const _packageRoot = packageRoot
