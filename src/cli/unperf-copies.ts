/**
 * `unperf doctor`'s `unperf` row: more than one copy of unperf installed for the CLI (a plugin
 * package that lists unperf in `dependencies` with a range the host's version is outside of gets
 * its own, nested). It works, on the host's instance, but the plugin's import of its copy loads
 * and compiles a second runtime at every start, and `instanceof` against one copy's error classes
 * is false for the other's errors. Looked for where npm and pnpm put them: `node_modules/unperf`,
 * `node_modules/<pkg>/node_modules/unperf` (scoped packages too) and `node_modules/.pnpm/unperf@*`.
 */
import { lstatSync, readdirSync, readFileSync, realpathSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'

/**
 * `linkedPeer`: the copy is in the own node_modules of a package installed by path (a link:
 * `npm install ../plugin`, `npm link`) that lists unperf in peerDependencies: its author's dev
 * install, which users of the published package never get.
 */
export interface UnperfCopy { dir: string; version: string; linkedPeer?: { name: string; target: string } }

/** The distinct copies of unperf under `rootDir/node_modules` (by real path), the top-level one first. */
export function unperfCopies(rootDir: string): UnperfCopy[] {
  const modules = join(rootDir, 'node_modules')
  const candidates = [join(modules, 'unperf')]
  for (const name of list(modules)) {
    if (name === '.pnpm') {
      for (const entry of list(join(modules, name))) if (entry.startsWith('unperf@')) candidates.push(join(modules, name, entry, 'node_modules', 'unperf'))
    } else if (name.startsWith('@')) {
      for (const pkg of list(join(modules, name))) candidates.push(join(modules, name, pkg, 'node_modules', 'unperf'))
    } else if (!name.startsWith('.')) {
      candidates.push(join(modules, name, 'node_modules', 'unperf'))
    }
  }
  const seen = new Set<string>()
  const copies: UnperfCopy[] = []
  for (const dir of candidates) {
    let real: string, version: string
    try {
      real = realpathSync(dir)
      version = String((JSON.parse(readFileSync(join(real, 'package.json'), 'utf8')) as { version?: unknown }).version)
    } catch { continue } // not there
    if (seen.has(real)) continue
    seen.add(real)
    copies.push({ dir: relative(rootDir, dir), version, ...(dir !== candidates[0] && linkedPeer(dirname(dirname(dir)))) })
  }
  return copies
}

/** The warning for more than one copy, else undefined. */
export function unperfCopiesWarning(rootDir: string): string | undefined {
  const copies = unperfCopies(rootDir)
  if (copies.length < 2) return undefined
  const linked = copies.filter(c => c.linkedPeer).map(c => c.linkedPeer!)
  const others = copies.slice(1).length > linked.length
  return `${copies.length} copies of unperf: ${copies.map(c => `${c.version} in ${c.dir}`).join(', ')}. ` +
    `A plugin that imports its own copy runs on the CLI's instance, but loads a second runtime at every start, and instanceof is false across copies (test error.code); ` +
    [
      ...linked.map(l => `${l.name} is installed by path (a link to ${l.target}) and lists unperf in peerDependencies: its copy is its own dev install, which a published package does not bring; install the plugin from its tarball (npm pack) to run it as users will`),
      ...(others ? ['the plugin should list unperf in peerDependencies (npm ls unperf shows who brings each)'] : []),
    ].join('; ')
}

/** The package at `pkgDir` when it is a link (installed by path) whose package.json lists unperf in peerDependencies. */
function linkedPeer(pkgDir: string): { linkedPeer: { name: string; target: string } } | undefined {
  try {
    if (!lstatSync(pkgDir).isSymbolicLink()) return undefined
    const target = realpathSync(pkgDir)
    const pkg = JSON.parse(readFileSync(join(target, 'package.json'), 'utf8')) as { name?: unknown; peerDependencies?: Record<string, unknown> }
    if (!pkg.peerDependencies || !('unperf' in pkg.peerDependencies)) return undefined
    return { linkedPeer: { name: typeof pkg.name === 'string' ? pkg.name : relative(dirname(pkgDir), pkgDir), target } }
  } catch { return undefined }
}

function list(dir: string): string[] {
  try { return readdirSync(dir) } catch { return [] }
}
