/**
 * Content hash of the files matched by globs (relative to cwd), for `wrap({ files })`,
 * `cached({ files })` and `cache.invalidate.files`. Fast path: a per-process memo keyed by
 * path, size, mtime, ctime and inode; a file whose mtime is within 2 s of now is re-hashed
 * (an edit in the same second as the last one, or one that kept the mtime, is not missed).
 * Missing files and empty matches are part of the hash, so adding a file changes it.
 */
import { crypto } from '../_builtins.js'
import * as fsp from 'node:fs/promises'
import { isAbsolute, resolve } from 'node:path'

const memo = new Map<string, { sig: string; hash: string }>()
/** How many files were read and hashed (tests check the fast path with it). */
export const fileHashStats = { hashed: 0 }

function isGlob(pattern: string): boolean {
  return /[*?[\]{}!]/.test(pattern)
}

async function hashOne(file: string): Promise<string> {
  const st = await fsp.stat(file).catch(() => undefined)
  if (!st || !st.isFile()) return 'missing'
  const sig = `${st.size}:${st.mtimeMs}:${st.ctimeMs}:${st.ino}`
  const known = memo.get(file)
  if (known && known.sig === sig && Date.now() - st.mtimeMs > 2000) return known.hash
  const hash = crypto().createHash('sha256').update(await fsp.readFile(file)).digest('hex')
  fileHashStats.hashed++
  memo.set(file, { sig, hash })
  return hash
}

export async function hashFiles(globs: string[], cwd: string): Promise<string> {
  const files = new Set<string>()
  const patterns: string[] = []
  for (const g of globs) {
    if (isGlob(g)) patterns.push(g)
    else files.add(isAbsolute(g) ? g : resolve(cwd, g))
  }
  if (patterns.length > 0) {
    const { glob } = await import('tinyglobby')
    for (const f of await glob(patterns, { cwd, absolute: true, dot: true })) files.add(f)
  }
  const sorted = [...files].sort()
  const h = crypto().createHash('sha256')
  h.update(`globs:${JSON.stringify(globs)}\n`)
  const hashes = await Promise.all(sorted.map(hashOne))
  sorted.forEach((f, i) => h.update(`${f}\0${hashes[i]}\n`))
  return h.digest('hex')
}
