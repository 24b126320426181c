/**
 * The processes of a profiled command: the preload every node process of a wrapped command runs
 * (NODE_OPTIONS=--require), and which of those processes is the program (not a launcher such as
 * npm or tsx, not one of the program's own node children).
 */
import { execFileSync } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

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
export const PRELOAD = `const { readFileSync, realpathSync, writeFileSync } = require('node:fs')
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
  // who this process is, beyond its pid (reused once it has ended): its start, in clock ticks since boot on Linux, else in ms
  let startTicks = null
  try { const stat = readFileSync('/proc/self/stat', 'utf8'); startTicks = stat.slice(stat.lastIndexOf(') ') + 2).split(' ')[19] } catch {}
  const startMs = Date.now() - process.uptime() * 1000
  writeFileSync(join(process.env.UNPERF_PROFILE_DIR, 'timing.' + stamp + '.json'), JSON.stringify({ v8Start: t.v8Start, environment: t.environment, bootstrapComplete: t.bootstrapComplete, loopStart: t.loopStart, exit: performance.now(), parent, main, startTicks, startMs }))
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
 * The record's pid counts only while it is still that process: a pid reused by another process once
 * it ended (which delayed the SIGKILL up to a minute), or a zombie, does not.
 * Polled every 250 ms past the grace: kill(pid, 0) first, so the record of a process that has ended
 * (most of them) is not read; without /proc (macOS, or `proc: false`), one `ps` for the pids left.
 */
export function profileBeingWritten(dir: string, proc = true): boolean {
  let names: string[]
  try { names = readdirSync(dir) } catch { return false }
  const alive: Array<{ pid: number; file: string }> = []
  for (const name of names) {
    const m = /^timing\.\d+\.(\d+)\.json$/.exec(name)
    if (m && isAlive(Number(m[1]))) alive.push({ pid: Number(m[1]), file: join(dir, name) })
  }
  if (alive.length === 0) return false
  const ps = proc && hasProc() ? undefined : psProcesses(alive.map(a => a.pid))
  return alive.some(({ pid, file }) => sameProcess(pid, startOf(file), proc, ps))
}

/** When a profiled process started, as its timing record says: `{}` while the record is being written (the process is then alive, in its exit). */
export interface ProcessStart { startTicks?: string | null; startMs?: number }

function startOf(file: string): ProcessStart {
  try {
    const { startTicks, startMs } = JSON.parse(readFileSync(file, 'utf8')) as ProcessStart
    return { startTicks, startMs }
  } catch {
    return {}
  }
}

/**
 * Whether `pid` is still the process that started at `start`, and running (not a zombie: ended, not
 * yet reaped by its parent). On Linux from /proc (its start in clock ticks since boot, exact);
 * elsewhere (macOS) from `ps` (its start to the second: a pid reused within the second its first
 * process started would pass, which pids handed out in turn up to 99999 make as good as impossible).
 */
export function sameProcessRunning(pid: number, start: ProcessStart, proc = true): boolean {
  return isAlive(pid) && sameProcess(pid, start, proc)
}

function isAlive(pid: number): boolean {
  try { process.kill(pid, 0); return true } catch { return false }
}

/** {@link sameProcessRunning} for a pid kill() found alive; `ps`: what one `ps` for several pids said (else one is run for this pid, if needed). */
function sameProcess(pid: number, start: ProcessStart, proc: boolean, ps?: PsTable | null): boolean {
  let stat: string | undefined
  if (proc) {
    try {
      stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    } catch (error) {
      // ended since kill(), or there is no /proc (macOS)
      if ((error as NodeJS.ErrnoException).code === 'ENOENT' && hasProc()) return false
    }
  }
  if (stat !== undefined) {
    const fields = stat.slice(stat.lastIndexOf(') ') + 2).split(' ')
    return fields[0] !== 'Z' && (start.startTicks == null || fields[19] === start.startTicks)
  }
  const table = ps !== undefined ? ps : psProcesses([pid])
  if (table === null) return true // no ps either (Windows): alive as kill() says
  const found = table.get(pid)
  if (found === undefined || found.state.startsWith('Z')) return false
  return start.startMs === undefined || !(found.startedMs > start.startMs)
}

let procMounted: boolean | undefined
function hasProc(): boolean {
  if (procMounted === undefined) {
    try { readFileSync('/proc/self/stat'); procMounted = true } catch { procMounted = false }
  }
  return procMounted
}

/** pid → state and start (truncated to the second), as `ps` says; a pid it does not list has ended. */
type PsTable = Map<number, { state: string; startedMs: number }>

/** One `ps` for all of `pids`; null: no ps (Windows). */
function psProcesses(pids: readonly number[]): PsTable | null {
  let out: string
  try {
    out = execFileSync('ps', ['-o', 'pid=,stat=,lstart=', '-p', pids.join(',')], { encoding: 'utf8', env: { ...process.env, LC_ALL: 'C' }, stdio: ['ignore', 'pipe', 'ignore'] })
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null
    // exit 1: none of them is running (what it printed, if anything, still counts)
    out = String((error as { stdout?: unknown }).stdout ?? '')
  }
  const table: PsTable = new Map()
  for (const line of out.split('\n')) {
    const m = /^\s*(\d+)\s+(\S+)\s+(.+?)\s*$/.exec(line)
    if (m) table.set(Number(m[1]), { state: m[2]!, startedMs: Date.parse(m[3]!) })
  }
  return table
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

