/**
 * A namespace's dir in a scope dir of the fs tiers: `n-<encoded name>` (readable or escaped, index.ts
 * names it), or `n-~<hash>` for a name too long for a file name, which then holds its name in a
 * `.namespace` marker file. What a dir holds (the cache budget, `unperf cache` over every namespace).
 */
import { writeFileSync } from 'node:fs'
import { readdir } from 'node:fs/promises'
import { basename, join } from 'node:path'
import { decodeFileName, encodeFileName } from '../../drivers/fs.js'
import { readFileNoFollowSync } from '../read-file-no-follow.js'

/** Namespace dirs are `n-<encoded name>` (index.ts). */
export const NAMESPACE_DIR = 'n-'
const NAMESPACE_MARKER = '.namespace'

/**
 * The namespace a namespace dir holds: its name decoded, or its marker for a hashed one (else the
 * dir's name). A marker naming a namespace whose dir is another (written by hand, copied from another
 * dir) is not believed: that namespace was listed twice, and this dir's entries were never reached.
 */
export async function namespaceOfDir(dir: string): Promise<string> {
  const name = basename(dir)
  if (!name.startsWith(`${NAMESPACE_DIR}~`)) return decodeFileName(`${name.slice(NAMESPACE_DIR.length)}.e`) ?? name
  const marked = await Promise.resolve().then(() => readFileNoFollowSync(join(dir, NAMESPACE_MARKER))).catch(() => '')
  return marked !== '' && namespaceDirName(marked) === name ? marked : name
}

/** The dir of `namespace` in a scope dir: `n-` and its name encoded (readable, escaped, or hashed when too long). */
export function namespaceDirName(namespace: string): string {
  return NAMESPACE_DIR + encodeFileName(namespace).slice(0, -2)
}

/**
 * The namespaces with a dir in this scope dir (plugins' and those opened by name included), for the
 * `unperf cache` commands that work on every namespace; a hashed dir without its marker is left out
 * (its name cannot be known, so it cannot be opened).
 */
export async function namespacesInScope(scope: string): Promise<string[]> {
  const names = (await readdir(scope).catch(() => [] as string[])).filter(n => n.startsWith(NAMESPACE_DIR))
  const out = await Promise.all(names.map(n => namespaceOfDir(join(scope, n))))
  return out.filter((ns, i) => ns !== names[i])
}

/**
 * Leaves `namespace` in the marker file of its dir when the dir's name is a hash (written once: an
 * existing marker is kept). Whether the dir is marked now: false while the dir does not exist yet.
 */
export function markNamespaceDir(dir: string, namespace: string): boolean {
  if (!basename(dir).startsWith(`${NAMESPACE_DIR}~`)) return true
  // sync: once per namespace and process, a few bytes
  try {
    writeFileSync(join(dir, NAMESPACE_MARKER), namespace, { flag: 'wx', mode: 0o600 })
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EEXIST'
  }
}
