/**
 * The processes of a profiled command: the preload every node process of a wrapped command runs
 * (NODE_OPTIONS=--require), and which of those processes is the program (not a launcher such as
 * npm or tsx, not one of the program's own node children).
 */
import { readdirSync, readFileSync } from 'node:fs'

/** File name of the preload: its frames (loading it, starting the profiler, writing the timings at exit) are unperf's, not the program's. */
export const PRELOAD_FILE = 'unperf-profile-preload.cjs'
export const isPreloadFrame = (f: { url: string }) => f.url.endsWith(`/${PRELOAD_FILE}`) || f.url.endsWith(`\\${PRELOAD_FILE}`)

/**
 * Preload for wrapped commands: profiles its process's main thread over node:inspector and writes
 * the profile on exit, with a record of the process: its parent among the profiled processes (passed
 * down in the environment, through shells and package managers alike) and its main script, from
 * which {@link pickProgram} tells the program from its wrappers and from its own node children.
 * Worker threads run NODE_OPTIONS' preloads too: they are left alone (part of the program, not it).
 */
export const PRELOAD = `const { realpathSync, writeFileSync } = require('node:fs')
const { join } = require('node:path')
if (!require('node:worker_threads').isMainThread) return
const kind = process.env.UNPERF_PROFILE_KIND
const heap = kind === 'heap'
const stamp = String(process.hrtime.bigint()).padStart(20, '0') + '.' + process.pid
const parent = process.env.UNPERF_PROFILE_PARENT || null
process.env.UNPERF_PROFILE_PARENT = stamp
let main = process.argv[1] || null
try { if (main) main = realpathSync(main) } catch {}
process.on('exit', () => {
  const t = performance.nodeTiming
  writeFileSync(join(process.env.UNPERF_PROFILE_DIR, 'timing.' + stamp + '.json'), JSON.stringify({ v8Start: t.v8Start, environment: t.environment, bootstrapComplete: t.bootstrapComplete, loopStart: t.loopStart, exit: performance.now(), parent, main }))
})
if (kind === 'timing') return
const { Session } = require('node:inspector')
const s = new Session(); s.connect()
if (heap) s.post('HeapProfiler.startSampling')
else { s.post('Profiler.enable'); s.post('Profiler.setSamplingInterval', { interval: 100 }); s.post('Profiler.start') }
process.on('exit', () => {
  s.post(heap ? 'HeapProfiler.stopSampling' : 'Profiler.stop', (err, r) => {
    if (!err) writeFileSync(join(process.env.UNPERF_PROFILE_DIR, (heap ? 'Heap.' : 'CPU.') + stamp + (heap ? '.heapprofile' : '.cpuprofile')), JSON.stringify(r.profile), { mode: 0o600 })
  })
})
`

/**
 * Whether a profiled process of the command is past its exit yet still running: writing its profile
 * (the preload's timing record is written at the start of its exit, the profile after it; a CPU
 * profile of a 28 s tsc run at 100 µs, 36 MB, took 10.6 s to write on a loaded machine). `unperf profile` does not SIGKILL it then.
 */
export function profileBeingWritten(dir: string): boolean {
  let names: string[]
  try { names = readdirSync(dir) } catch { return false }
  for (const name of names) {
    const m = /^timing\.\d+\.(\d+)\.json$/.exec(name)
    if (m && running(Number(m[1]))) return true
  }
  return false
}

function running(pid: number): boolean {
  try { process.kill(pid, 0) } catch { return false }
  // a zombie (ended, not yet reaped by its parent) runs nothing
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    return stat[stat.lastIndexOf(') ') + 2] !== 'Z'
  } catch {
    return true // no /proc (macOS): alive as kill() says
  }
}

/**
 * Node programs that start the program they are given rather than being it: package managers and
 * launchers (by the package their main script belongs to).
 */
const LAUNCHERS = new Set(['npm', 'pnpm', 'yarn', '@yarnpkg/cli-dist', 'corepack', 'tsx', 'cross-env', 'dotenv-cli', 'env-cmd', 'nodemon', 'concurrently', 'npm-run-all', 'npm-run-all2'])

function isLauncher(main: string | null): boolean {
  if (!main) return false
  const path = main.replace(/\\/g, '/')
  const packages = [...path.matchAll(/node_modules\/((?:@[^/]+\/)?[^/]+)/g)]
  const name = packages.length > 0 ? packages[packages.length - 1]![1]! : undefined
  // yarn berry runs from the project's .yarn/releases/yarn-<version>.cjs
  return (name !== undefined && LAUNCHERS.has(name)) || /\/\.yarn\/releases\/yarn-[^/]*\.c?js$/.test(path)
}

export interface ProcessRecord { stamp: string; parent: string | null; main: string | null }

/**
 * The program among the node processes a wrapped command started: the last one started that is
 * not a launcher and was not started by a profiled process other than a launcher (its own node
 * children are part of it, not it). Undefined when there is none (then: the last one started).
 */
export function pickProgram(records: ProcessRecord[]): string | undefined {
  const byStamp = new Map(records.map(r => [r.stamp, r]))
  const candidates = records.filter(record => {
    if (isLauncher(record.main)) return false
    for (let up = record.parent && byStamp.get(record.parent); up; up = up.parent && byStamp.get(up.parent)) {
      if (!isLauncher(up.main)) return false
    }
    return true
  })
  return candidates.map(r => r.stamp).sort().pop()
}

