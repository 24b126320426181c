/**
 * Where packages are, for what loads or bundles a config (c12.ts, snapshot-write.ts,
 * plugin-bundle-write.ts: the last two through c12.ts, which says why): the package a specifier
 * names, the `package.json` files Node's lookup probes for it (a snapshot's inputs: installing it
 * closer makes the snapshot stale), and unperf's own root, which `unperf` and `unperf/config`
 * resolve to inside a config.
 */
import { existsSync } from 'node:fs'
import { basename, dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

/** `@scope/name/sub` → `@scope/name`, `name/sub` → `name`; undefined for what is no package name. */
export function packageNameOf(source: string): string | undefined {
  const m = /^(@[\w.~-]+\/)?[\w.~-]+/.exec(source)
  return m && !m[0].startsWith('.') ? m[0] : undefined
}

/** `<dir>/node_modules/<pkg>/package.json` from `from` up, to the first that exists (Node's lookup order). */
export function packageProbes(from: string, pkg: string): string[] {
  const probed: string[] = []
  for (let dir = from; ; dir = dirname(dir)) {
    if (basename(dir) !== 'node_modules') {
      const file = join(dir, 'node_modules', pkg, 'package.json')
      probed.push(file)
      if (existsSync(file)) break
    }
    if (dirname(dir) === dir) break
  }
  return probed
}

/**
 * `unperf` and `unperf/config` resolve to this very package inside configs, even where the
 * host has no node_modules/unperf (this repo's playground, linked installs).
 */
export function selfAliases(): Record<string, string> {
  const root = packageRoot()
  if (!root) return {}
  const dist = join(root, 'dist')
  if (existsSync(join(dist, 'index.mjs'))) return { 'unperf/config': join(dist, 'config.mjs'), unperf: join(dist, 'index.mjs') }
  return { 'unperf/config': join(root, 'src/config/index.ts'), unperf: join(root, 'src/index.ts') }
}

let _root: string | undefined | null = null
export function packageRoot(): string | undefined {
  if (_root !== null) return _root
  let dir = dirname(fileURLToPath(import.meta.url))
  for (let i = 0; i < 5; i++) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'schema'))) return (_root = dir)
    dir = dirname(dir)
  }
  return (_root = undefined)
}
