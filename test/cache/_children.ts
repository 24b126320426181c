/**
 * Child processes for the multi-process cache tests: each imports a bundle of test/cache/_config.ts
 * (real manager, real fs) built once per test file.
 */
import { spawn } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { build } from 'esbuild'
import { afterAll, beforeAll } from 'vitest'

const root = join(import.meta.dirname, '../..')
let counter = 0

/** Builds the bundle before the file's tests; returns its path (read it inside tests). */
export function childLib(): () => string {
  const libDir = join(root, 'node_modules/.cache', `unperf-cache-test-${process.pid}-${++counter}-${Math.random().toString(36).slice(2, 8)}`)
  const lib = join(libDir, 'cache-lib.mjs')
  beforeAll(async () => {
    mkdirSync(libDir, { recursive: true })
    await build({ entryPoints: [join(import.meta.dirname, '_config.ts')], bundle: true, platform: 'node', format: 'esm', packages: 'external', outfile: lib, logLevel: 'error' })
  }, 60_000)
  afterAll(() => rmSync(libDir, { recursive: true, force: true }))
  return () => lib
}

export interface Child {
  proc: ReturnType<typeof spawn>
  done: Promise<{ code: number | null; signal: NodeJS.Signals | null; out: string; err: string }>
  output: () => string
  /** Resolves when the child has printed `ready`. */
  ready: () => Promise<void>
}

export function child(lib: string, script: string, env: Record<string, unknown>): Child {
  const proc = spawn(process.execPath, [join(import.meta.dirname, 'fixtures', script)], {
    env: { ...process.env, UNPERF_LIB: lib, UNPERF_CHILD: JSON.stringify(env) }, stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  let err = ''
  proc.stdout!.on('data', d => { out += d })
  proc.stderr!.on('data', d => { err += d })
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; out: string; err: string }>(resolve => {
    proc.on('close', (code, signal) => resolve({ code, signal, out, err }))
  })
  const ready = () => new Promise<void>((resolve, reject) => {
    if (out.includes('ready')) return resolve()
    const t = setTimeout(() => reject(new Error(`child never got ready: ${out} ${err}`)), 30_000)
    proc.stdout!.on('data', () => { if (out.includes('ready')) { clearTimeout(t); resolve() } })
    proc.on('close', () => { clearTimeout(t); reject(new Error(`child exited before ready: ${err}`)) })
  })
  return { proc, done, output: () => out, ready }
}

/**
 * SIGSTOP, then waits until every thread of the child is stopped (Linux: state `T` in
 * /proc/<pid>/task/<tid>/stat, so no thread-pool rename is still running; elsewhere a short wait).
 * A stopped writer is a snapshot of a write at a random step: a rename completes or has not started.
 */
export async function freeze(proc: ReturnType<typeof spawn>): Promise<void> {
  proc.kill('SIGSTOP')
  const tasks = `/proc/${proc.pid}/task`
  if (!existsSync(tasks)) return void (await new Promise(r => setTimeout(r, 20)))
  const stopped = () => readdirSync(tasks).every(t => {
    try {
      const s = readFileSync(join(tasks, t, 'stat'), 'utf8')
      return s.slice(s.lastIndexOf(')') + 2)[0] === 'T'
    } catch {
      return true // a thread that ended
    }
  })
  for (let i = 0; i < 5000; i++) {
    if (stopped()) return
    await new Promise(r => setImmediate(r))
  }
  throw new Error('the child did not stop')
}
