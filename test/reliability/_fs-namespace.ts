import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'

/** A child process running `body` with `cache` (a manager of bundleCacheLib's `lib` on an fs tier in dir, cwd, maxSize `max`). */
export function fsCacheChild({ lib, libDir }: { lib: string; libDir: string }, dir: string, cwd: string, max: number, body: string): ChildProcess {
  const script = `const { buildManager } = await import(${JSON.stringify(lib)})
    const { m, cache } = buildManager({ driver: 'fs', dir: ${JSON.stringify(dir)}, cwd: ${JSON.stringify(cwd)}, maxSize: ${max} })
    ${body}
    await m.close()`
  return spawn(process.execPath, ['--input-type=module', '-e', script], { cwd: libDir, stdio: ['ignore', 'ignore', 'pipe'] })
}

/** The child's exit code and its stderr. */
export function exited(p: ChildProcess): Promise<{ code: number | null; stderr: string }> {
  let stderr = ''
  p.stderr!.on('data', d => { stderr += d })
  return new Promise(resolve => p.on('exit', code => resolve({ code, stderr })))
}

/** The namespace dir of the one scope in `dir` (undefined until made). */
export function nsDir(dir: string): string | undefined {
  const scope = existsSync(dir) ? readdirSync(dir).find(n => n.startsWith('s_')) : undefined
  return scope && join(dir, scope, 'n-default')
}

/**
 * Bytes of the namespace's files on disk now (a file removed while listed is not counted): its
 * entries, or (`all`) every file, the temp files of writes in flight and asides included.
 */
export function diskBytes(dir: string, all = false): number {
  const ns = nsDir(dir)
  if (!ns || !existsSync(ns)) return 0
  let total = 0
  for (const name of readdirSync(ns)) {
    if (!all && (!name.endsWith('.e') || name.startsWith('.'))) continue
    if (name === '.swept') continue
    try { total += statSync(join(ns, name)).size } catch { /* removed meanwhile */ }
  }
  return total
}
