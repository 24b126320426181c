import { spawn, type ChildProcess } from 'node:child_process'
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import { tempDir } from '../helpers/tmp.js'

const REPO = fileURLToPath(new URL('../..', import.meta.url))

/**
 * Bundles a TypeScript fixture (and the src it imports) into one .mjs a plain `node` runs.
 * `external`: npm packages stay imports, resolved from the repo's node_modules (the bundle is
 * written under node_modules/.cache).
 */
export async function bundleFixture(entry: string, options: { external?: boolean } = {}): Promise<string> {
  const dir = options.external ? join(REPO, 'node_modules', '.cache', 'unperf-monitor-tests') : tempDir('unperf-monitor-')
  mkdirSync(dir, { recursive: true })
  const outfile = join(dir, `fixture-${process.pid}-${++seq}.mjs`)
  await build({ entryPoints: [entry], outfile, bundle: true, platform: 'node', format: 'esm', target: 'node20', logLevel: 'error', ...(options.external && { packages: 'external' as const }) })
  return outfile
}
let seq = 0

export interface Child {
  proc: ChildProcess
  stdout: () => string
  stderr: () => string
  /** Resolves with the first stdout line matching. */
  line(pattern: RegExp): Promise<RegExpMatchArray>
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
}

export function runNode(file: string, env: Record<string, string> = {}, options: { args?: string[]; cwd?: string; stdin?: boolean } = {}): Child {
  const proc = spawn(process.execPath, [file, ...(options.args ?? [])], { env: { ...process.env, ...env }, cwd: options.cwd, stdio: [options.stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'] })
  let out = ''
  let err = ''
  const waiters: Array<() => void> = []
  proc.stdout!.on('data', d => { out += d; for (const w of waiters.splice(0)) w() })
  proc.stderr!.on('data', d => { err += d })
  // 'exit' can come before the last of the child's output is read: `exited` waits for both pipes to
  // end too (at most 2 s: a grandchild the fixture left running may hold them open)
  let gone = false
  const ended = (stream: NodeJS.ReadableStream) => new Promise<void>(done => { stream.once('end', done); stream.once('close', done) })
  const pipesEnded = Promise.all([ended(proc.stdout!), ended(proc.stderr!)])
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>(done => proc.once('exit', (code, signal) => {
    let timer: NodeJS.Timeout | undefined
    void Promise.race([pipesEnded, new Promise<void>(wait => { timer = setTimeout(wait, 2000) })]).then(() => {
      clearTimeout(timer)
      gone = true
      for (const w of waiters.splice(0)) w()
      done({ code, signal })
    })
  }))
  return {
    proc, exited, stdout: () => out, stderr: () => err,
    line(pattern) {
      return new Promise((done, fail) => {
        const check = () => {
          const match = out.match(pattern)
          if (match) return done(match)
          if (gone) return fail(new Error(`child exited without ${pattern}: ${out}\n${err}`))
          waiters.push(check)
        }
        check()
      })
    },
  }
}
