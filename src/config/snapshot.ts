/**
 * The config fast path: a content-addressed snapshot of the transpiled config, imported natively.
 *
 * Warm start: read a small manifest, stat every input it lists (config files, their local imports,
 * .perfrc, package.json, and the config names that were absent), import the snapshot module(s).
 * Any change (mtime, ctime, size, inode; content re-hashed when the mtime is within 2 s of the
 * build) makes it stale: the caller loads through c12 and rebuilds the snapshot with esbuild.
 * Local imports are bundled in; package imports stay live (resolved from rootDir's node_modules).
 * Building a snapshot is in snapshot-write.ts (esbuild, loaded only then).
 */
import { closeSync, existsSync, openSync, readdirSync, readFileSync, statSync, unlinkSync } from 'node:fs'
import { dirname, join, resolve, sep } from 'node:path'
import { pathToFileURL } from 'node:url'
import { platformCacheDir, shortHash } from '../runtime/project.js'
import type { RawLayer } from './layers.js'
import { READ_NO_FOLLOW, writeFileAtomicSync, writeFileNoFollowSync } from '../runtime/write-file-atomic.js'
import { dirUnsafeSync } from '../drivers/fs-safety.js'

export const FORMAT = 2
export const CODE_EXT = new Set(['.ts', '.mts', '.cts', '.js', '.mjs', '.cjs'])

export interface InputStat {
  path: string
  exists: boolean
  mtimeMs?: number
  ctimeMs?: number
  size?: number
  ino?: number
  hash?: string
}
export interface ManifestLayer {
  source: RawLayer['source']
  file?: string
  /** Snapshot module file name (code layers). */
  module?: string
  /** Inline data (json, rc, package.json layers). */
  data?: Record<string, unknown>
}
export interface Manifest {
  format: number
  /** The rootDir it was built for: a node_modules shared through a symlink must not leak another project's config. */
  rootDir: string
  builtAt: number
  unperf: string
  inputs: InputStat[]
  layers: ManifestLayer[]
  configFile?: string
}

/** Where snapshots live: `<rootDir>/node_modules/.cache/unperf/config`, else the platform cache dir (worked out only when asked for). */
export function* snapshotDirs(rootDir: string, reading = false): Generator<string> {
  // beside the project's own node_modules, never creating one in a project (or an installed CLI's
  // package dir) that has none. `reading` (a warm start): one there at all, an existsSync (≈ 0.1 kB
  // of young generation, a stat's Stats ≈ 1.5 kB): a file of that name fails the manifest's read
  const modules = join(rootDir, 'node_modules')
  if (reading ? existsSync(modules) : statSync(modules, { throwIfNoEntry: false })?.isDirectory()) yield join(modules, '.cache', 'unperf', 'config')
  yield join(platformCacheDir('unperf'), 'config-snapshots', shortHash(rootDir))
}
/**
 * The manifest of one config file of one rootDir for one unperf version:
 * `manifest-<config>-<rootDir>-<version>.json`. The version is in the name, not only inside: two
 * unperf versions used alternately on one project (two CLIs of a monorepo) each keep their own
 * snapshot instead of rebuilding each other's on every run; so is the rootDir: two projects whose
 * node_modules is one dir (a symlink) each keep theirs (each refused the other's, `manifest.rootDir`,
 * and rebuilt it over, loading through c12 on every start). snapshot-write.ts prunes the other
 * versions' manifests once they are old (MANIFEST_OTHERS_MAX_AGE_MS).
 */
export function manifestName(rootDir: string, configFile: string | undefined, version = unperfVersion()): string {
  return `${manifestPrefix(rootDir, configFile)}${shortHash(version, 8)}.json`
}

/** What every manifest of this config file and rootDir starts with, whatever the version. */
export function manifestPrefix(rootDir: string, configFile: string | undefined): string {
  return `manifest-${shortHash(configFile ?? 'perf.config', 8)}-${shortHash(rootDir, 8)}-`
}

export function statInput(path: string): InputStat {
  let s
  // a file where a dir of the path was (ENOTDIR), a dir made unreadable (EACCES): not there, so a
  // changed input (the cold load that follows says what is wrong), never an error out of a warm start
  try { s = statSync(path, { throwIfNoEntry: false }) } catch { /* not there */ }
  return s ? { path, exists: true, mtimeMs: s.mtimeMs, ctimeMs: s.ctimeMs, size: s.size, ino: s.ino } : { path, exists: false }
}

export function hashFile(path: string): string | undefined {
  // a 64-bit JS hash of a small config file: loading node:crypto would cost ~10 ms on a warm start
  try { return shortHash(readFileSync(path, 'latin1')) } catch { return undefined }
}

export function unperfVersion(): string {
  return typeof __UNPERF_VERSION__ === 'string' ? __UNPERF_VERSION__ : 'dev'
}

/**
 * The snapshot's raw layers, or undefined when there is none or any input changed. A stale or
 * broken snapshot in one location does not hide a fresh one in the next: a project's node_modules
 * that unperf cannot write (a global install by root, a read-only image) kept an old manifest the
 * rebuilt snapshot in the platform cache dir could never replace, so every start went through c12.
 */
export async function readSnapshot(rootDir: string, configFile: string | undefined): Promise<{ layers: RawLayer[]; configFile?: string; dir: string } | undefined> {
  for (const dir of snapshotDirs(rootDir, true)) {
    const snap = await readSnapshotIn(dir, rootDir, configFile).catch(() => undefined)
    if (snap) return snap
  }
  return undefined
}

/**
 * Whether every input of a build is as its manifest (`file`) recorded it: stat (size, mtime, ctime,
 * inode), and content for one whose mtime is within 2 s of the build (an edit that keeps mtime: cp -p,
 * tar). Once content was verified and that window is over, the manifest's builtAt moves, so later
 * starts read and hash no file. The config snapshot's manifest and the plugin bundle's (plugin-bundle.ts).
 */
export function inputsUnchanged(manifest: { inputs: InputStat[]; builtAt: number }, file: string): boolean {
  let rehashed = false
  for (const input of manifest.inputs) {
    const now = statInput(input.path)
    if (now.exists !== input.exists) return false
    if (!now.exists) continue
    if (now.size !== input.size || now.mtimeMs !== input.mtimeMs || now.ctimeMs !== input.ctimeMs || now.ino !== input.ino) return false
    if (Math.abs(manifest.builtAt - now.mtimeMs!) < 2000 && input.hash !== undefined) {
      if (hashFile(input.path) !== input.hash) return false
      rehashed = true
    }
  }
  if (rehashed && manifest.inputs.every(i => !i.exists || Date.now() - i.mtimeMs! > 2000)) {
    try { writeFileAtomicSync(file, JSON.stringify({ ...manifest, builtAt: Date.now() })) } catch { /* read-only: fine */ }
  }
  return true
}

// --- internal ---

async function readSnapshotIn(dir: string, rootDir: string, configFile: string | undefined): Promise<{ layers: RawLayer[]; configFile?: string; dir: string } | undefined> {
  let manifest: Manifest
  const file = join(dir, manifestName(rootDir, configFile))
  try { manifest = JSON.parse(readSnapshotFile(file)) as Manifest } catch { return undefined }
  if (manifest.format !== FORMAT || manifest.unperf !== unperfVersion() || manifest.rootDir !== rootDir) return undefined
  // its modules are run: one in the platform cache dir (an XDG_CACHE_HOME in /tmp) is used only from
  // a dir no one else can write to (a stat); the project's node_modules is as trusted as its code
  if (snapshotDirUntrusted(dir, rootDir)) return undefined
  if (manifest.layers.some(l => l.module !== undefined && (l.module.includes('/') || l.module.includes('\\')))) return undefined
  if (!inputsUnchanged(manifest, file)) return undefined
  const layers: RawLayer[] = []
  for (const layer of manifest.layers) {
    let config: Record<string, unknown>
    if (layer.module) {
      const path = join(dir, layer.module)
      // an ES module: import() would read a FIFO under its name for good (a stat: stale instead)
      if (!layer.module.endsWith('.cjs') && !statSync(path, { throwIfNoEntry: false })?.isFile()) return undefined
      const mod = layer.module.endsWith('.cjs') ? runScript(path) : (await import(moduleUrl(path))) as { default?: unknown }
      // every snapshot module exports its config as default (c12 reads a config without one as
      // another thing): a module without it was cut short (a crash after its rename, a full disk)
      // and would have given an empty config
      if (!('default' in mod)) return undefined
      let value = mod.default
      if (typeof value === 'function') value = await (value as () => unknown)()
      config = structuredCloneSafe(value)
    } else config = structuredCloneSafe(layer.data)
    layers.push({ source: layer.source, ...(layer.file && { file: layer.file }), config })
  }
  return { layers, dir, ...(manifest.configFile && { configFile: manifest.configFile }) }
}

/** How often each ES module snapshot was imported in this process. */
const imports = new Map<string, number>()

/**
 * An ES module snapshot's URL for import(), which evaluates a URL once per process: a second load
 * (createPerf again after process.env changed) got the first one's values, where c12 evaluates the
 * config afresh each time (as a classic-script snapshot is run again); a query makes it another URL.
 */
function moduleUrl(path: string): string {
  const n = imports.get(path) ?? 0
  imports.set(path, n + 1)
  return pathToFileURL(path).href + (n ? `?load=${n}` : '')
}

/** A config snapshot built as a classic script (it imports nothing): compiled and run without the ES module loader. */
function runScript(file: string): { default?: unknown } {
  const { Script } = process.getBuiltinModule('node:vm') as typeof import('node:vm')
  const module = { exports: {} as { default?: unknown } }
  const fn = new Script(readSnapshotFile(file), { filename: file }).runInThisContext() as (m: typeof module, e: typeof module.exports) => void
  fn(module, module.exports)
  return module.exports
}

/**
 * Whether a snapshot dir is one whose modules are not run (nor its build lock taken): in the platform
 * cache dir (an XDG_CACHE_HOME in /tmp) and someone else can write to it. The project's node_modules
 * is as trusted as its code (to write in, it must be the user's own). `writing`: also when someone else can write to, or owns as a symlink,
 * `config-snapshots/` or the `unperf/` root above it (a shared cache home where another user made
 * them first): the snapshot (the config's code, a literal password too) is not written under a root
 * its owner can swap, nor through their link into a dir of the user's. Missing dirs pass (made
 * 0700 by the writer), so it is asked before they are made. A read needs the dir's own check alone:
 * a dir of the user's, private, holds only what the user wrote, and the parents' two more lstats
 * would be paid on every warm start.
 */
export function snapshotDirUntrusted(dir: string, rootDir: string, writing = false): boolean {
  const modules = join(rootDir, 'node_modules')
  // another user's node_modules (root run in their project: sudo unperf doctor) gets nothing made in
  // it: a root-owned 0700 node_modules/.cache kept their own tools from writing their caches there
  if (dir.startsWith(modules + sep)) return writing && process.getuid !== undefined && statSync(modules, { throwIfNoEntry: false })?.uid !== process.getuid()
  return dirUnsafeSync(writing ? [dir, dirname(dir), dirname(dirname(dir))] : [dir]) !== undefined
}

/**
 * A snapshot file's text (its manifest, a classic-script module): as readFileSync (open, fstat,
 * read, close), but never through a symlink and never blocking: a FIFO under its name hung every
 * start for good; it reads as empty now, a stale snapshot, rebuilt.
 */
export function readSnapshotFile(file: string): string {
  const fd = openSync(file, READ_NO_FOLLOW)
  try { return readFileSync(fd, 'utf8') } finally { closeSync(fd) }
}

function structuredCloneSafe(value: unknown): Record<string, unknown> {
  return value && typeof value === 'object' ? (value as Record<string, unknown>) : {}
}


/** The marker files of validated fingerprints (written by validate-layers.ts markValidated). */
export const VALIDATED_PREFIX = 'validated-'

/**
 * Whether config values with this fingerprint passed validation before (an empty marker file in the
 * snapshot dir): an existsSync, not a stat (a Stats object is ≈ 1.5 kB of young generation on every
 * warm start); one it cannot tell (EACCES) validates again.
 */
export function wasValidated(dir: string, fingerprint: string): boolean {
  return existsSync(join(dir, VALIDATED_PREFIX + fingerprint))
}
