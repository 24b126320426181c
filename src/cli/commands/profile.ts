/**
 * `unperf profile [--heap] [--imports] -- <cmd...>`: runs a node command with --cpu-prof (or
 * --heap-prof) as node arguments, or, for anything else (npx, a bin script, a shell wrapper), through
 * NODE_OPTIONS=--require of a preload that profiles every node process over the inspector (Node 20
 * refuses --cpu-prof in NODE_OPTIONS); the program's profile is kept (see pickProgram). Prints the top functions by self
 * and total time with file:line, and keeps the profile (Chrome DevTools / speedscope). --imports:
 * the time spent loading each module and package, from the CPU profile's module-evaluation frames.
 */
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { commandEnv } from '../command-env.js'
import { tmpdir } from 'node:os'
import { basename, dirname, join, resolve } from 'node:path'
import { defineCommand } from 'citty'
import { formatBytes, formatDuration } from '../../config/units.js'
import { errorMessage, PerfError, UsageError } from '../../errors.js'
import { ProfileCommandError } from '../../cli-errors.js'
import { inModulePackage } from '../../config/package-type.js'
import { makeDirSync } from '../../runtime/make-dir.js'
import { bold, commonArgs, dim, printJson, table } from '../_ui.js'
import { isPreloadFrame, pickProgram, PRELOAD, PRELOAD_FILE, profileBeingWritten } from './profile-processes.js'
import { exitStatus, exitText } from '../exit-status.js'
import { runInGroup } from '../child-group.js'
import { isNodeCommand, spawnPlan } from '../windows-command.js'

interface ProfileNode { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[]; selfSize?: number }

function frameName(f: ProfileNode['callFrame']): string {
  const where = f.url ? `${f.url.replace(/^file:\/\//, '')}:${f.lineNumber + 1}` : ''
  return `${f.functionName || '(anonymous)'}${where ? ` ${where}` : ''}`
}

function packageOf(url: string): string {
  const path = url.replace(/^file:\/\//, '')
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path)
  if (m) return m[1]!
  if (url.startsWith('node:')) return 'node:*'
  return path ? '(your code)' : '(node internals)'
}

export function analyzeCpuProfile(profile: { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] }) {
  const byId = new Map(profile.nodes.map(n => [n.id, n]))
  const parent = new Map<number, number>()
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id)
  const self = new Map<number, number>()
  profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000))
  const selfByFrame = new Map<string, number>()
  const totalByFrame = new Map<string, number>()
  const moduleTime = new Map<string, number>()
  // samples inside the preload (unperf's own instrumentation) are left out: they are not the program's time
  const inPreload = new Map<number, boolean>()
  const underPreload = (id: number): boolean => {
    const path: number[] = []
    let known: boolean | undefined
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      known = inPreload.get(cur)
      if (known !== undefined) break
      if (isPreloadFrame(byId.get(cur)!.callFrame)) { known = true; path.push(cur); break }
      path.push(cur)
    }
    for (const n of path) inPreload.set(n, known ?? false)
    return known ?? false
  }
  for (const [id, ms] of self) {
    if (underPreload(id)) continue
    const seen = new Set<string>()
    let evaluating: string | undefined
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const node = byId.get(cur)!
      const name = frameName(node.callFrame)
      if (cur === id) selfByFrame.set(name, (selfByFrame.get(name) ?? 0) + ms)
      if (!seen.has(name)) { totalByFrame.set(name, (totalByFrame.get(name) ?? 0) + ms); seen.add(name) }
      // module top-level code shows as an anonymous frame at line 0 of the module's url
      if (!evaluating && node.callFrame.functionName === '' && node.callFrame.lineNumber === 0 && node.callFrame.url) evaluating = node.callFrame.url
    }
    if (evaluating) moduleTime.set(evaluating, (moduleTime.get(evaluating) ?? 0) + ms)
  }
  const top = (m: Map<string, number>) => [...m].sort((a, b) => b[1] - a[1]).slice(0, 20).map(([name, ms]) => ({ name, ms }))
  const packages = new Map<string, number>()
  for (const [url, ms] of moduleTime) packages.set(packageOf(url), (packages.get(packageOf(url)) ?? 0) + ms)
  return { self: top(selfByFrame), total: top(totalByFrame), modules: top(moduleTime), packages: top(packages) }
}

interface Timing { v8Start: number; environment: number; bootstrapComplete: number; loopStart: number; exit: number; parent?: string | null; main?: string | null }

/** The preload's record of each node process that exited, by stamp (start time, then pid: sorted = in start order). */
function readTimings(dir: string): Map<string, Timing> {
  const timings = new Map<string, Timing>()
  for (const f of readdirSync(dir).filter(f => f.startsWith('timing.')).sort()) {
    timings.set(f.slice('timing.'.length, -'.json'.length), JSON.parse(readFileSync(join(dir, f), 'utf8')) as Timing)
  }
  return timings
}

/**
 * Startup phases of the profiled node process, from the nodeTiming the preload wrote. A CommonJS
 * main script runs before the event loop starts; an ES module main script is loaded by the ES
 * module loader's jobs, after it has started: the rows say which.
 */
function startupPhases(t: Timing | undefined, moduleMs: number): { phase: string; ms: number }[] {
  if (!t) return []
  const esm = t.main ? isEsModuleFile(t.main) : false
  const phases = [
    { phase: 'process start → V8 ready', ms: t.v8Start },
    { phase: 'node environment', ms: t.environment - t.v8Start },
    { phase: 'node bootstrap', ms: t.bootstrapComplete - t.environment },
    { phase: 'module top-level code, imports included (CPU samples; overlaps the next rows)', ms: moduleMs },
    {
      phase: esm ? 'until the event loop starts (preloads; the ES module main script runs after it)' : 'main script until the event loop starts',
      ms: t.loopStart > 0 ? t.loopStart - t.bootstrapComplete : t.exit - t.bootstrapComplete,
    },
  ]
  if (t.loopStart > 0) phases.push({ phase: esm ? 'event loop until exit (the ES module main script included)' : 'event loop until exit', ms: t.exit - t.loopStart })
  return phases.map(p => ({ ...p, ms: Math.max(0, p.ms) }))
}

/** Whether node loads this main script as an ES module: .mjs/.mts, or .js/extensionless in a `"type": "module"` package. */
function isEsModuleFile(file: string): boolean {
  if (/\.m[jt]s$/.test(file)) return true
  if (/\.c[jt]s$/.test(file)) return false
  return inModulePackage(file)
}

export default defineCommand({
  meta: { name: 'profile', description: 'CPU (or --heap) profile of a node command: top functions; --imports: module load times' },
  args: { ...commonArgs, env: { type: 'string', description: "Run the command with PERF_ENV set to it (its config's $env blocks)" }, command: { type: 'positional', required: false, description: 'After --: the node command to profile, e.g. unperf profile -- node cli.mjs build' }, heap: { type: 'boolean', description: 'Heap allocation profile instead of CPU' }, imports: { type: 'boolean', description: 'Time spent loading each module and package' }, out: { type: 'string', description: 'Where to keep the profile file (relative to --cwd; default: --cwd, named after the process)' } },
  async run({ args, rawArgs }) {
    const dash = rawArgs.indexOf('--')
    const command = dash === -1 ? (args._ as string[]) : rawArgs.slice(dash + 1)
    if (command.length === 0) throw new UsageError('usage: unperf profile [--heap] [--imports] -- node app.mjs [args]')
    // the load times come from the CPU profile's samples: with --heap there are none, and --imports was ignored without a word
    if (args.heap && args.imports) throw new UsageError('--imports reads module load times from a CPU profile, which --heap does not record: run unperf profile --imports, then unperf profile --heap')
    const dir = mkdtempSync(join(tmpdir(), 'unperf-profile-'))
    // the temp dir (the preload, each process's profile and timings) goes once the profile is copied out
    try {
      await profileIn(dir, command, args)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  },
})

/** How long the command has to end after a stop signal is passed on, before SIGKILL: UNPERF_PROFILE_GRACE ms, default 5 s. */
const STOP_GRACE_MS = 5000
function graceFromEnv(): number {
  const raw = process.env.UNPERF_PROFILE_GRACE
  const n = raw === undefined || raw === '' ? Number.NaN : Number(raw)
  return Number.isFinite(n) && n >= 0 ? n : STOP_GRACE_MS
}

interface ProfileArgs { heap?: boolean; imports?: boolean; out?: string; json?: boolean; cwd?: string; env?: string }

/** Runs the command under the profiler with its files in `dir`, keeps the profile and prints (or --json) what it shows. */
async function profileIn(dir: string, command: string[], args: ProfileArgs): Promise<void> {
  // --heap-prof samples every 512 KiB by default: the inspector's 32 KiB, as in the wrapped case
  const flags = args.heap ? ['--heap-prof', `--heap-prof-dir=${dir}`, '--heap-prof-interval=32768'] : ['--cpu-prof', `--cpu-prof-dir=${dir}`, '--cpu-prof-interval=100']
  // node itself takes the flags as arguments; anything else (npx, a bin script) through NODE_OPTIONS
  // (Node 20 refuses --cpu-prof there: run the node command directly)
  const isNode = isNodeCommand(command[0]!)
  const argv = isNode ? [...flags, ...command.slice(1)] : command.slice(1)
  // the preload also records node's startup phases (performance.nodeTiming) of each process
  const preload = join(dir, PRELOAD_FILE)
  writeFileSync(preload, PRELOAD)
  if (isNode) argv.unshift('--require', preload)
  // --env NAME as PERF_ENV, and the profiled run kept out of the CLI's own history (command-env.ts)
  const base = commandEnv(args.env)
  const env: NodeJS.ProcessEnv = isNode
    ? { ...base, UNPERF_PROFILE_DIR: dir, UNPERF_PROFILE_KIND: 'timing' }
    : { ...base, UNPERF_PROFILE_DIR: dir, UNPERF_PROFILE_KIND: args.heap ? 'heap' : 'cpu', NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --require ${JSON.stringify(preload)}`.trim() }
  // the project dir: the command runs there, and the profile is kept there (a relative --out too)
  const cwd = resolve(args.cwd ?? process.cwd())
  const grace = graceFromEnv()
  const t0 = performance.now()
  // with --json, stdout is the JSON document alone: the program's own output goes to stderr (fd 2)
  // in a process group of its own: a signal sent to unperf (Ctrl-C, `kill -INT <pid>`, a supervisor's
  // SIGTERM) is passed on to all of it and unperf reports how it ended (spawnSync: unperf died, the
  // command ran on orphaned and its profile was left in the temp dir)
  // a command still running STOP_GRACE_MS after the signal passed on (one that ignores it) is SIGKILLed, unless a
  // process of it is writing its profile (past its exit): that one is waited for, up to a minute more
  // (Windows: a .cmd shim such as npx through cmd.exe, windows-command.ts)
  const { file, args: fileArgs, windowsVerbatimArguments } = spawnPlan(command[0]!, argv, { env, cwd })
  const r = await runInGroup(file, fileArgs, { cwd, stdio: ['inherit', args.json ? 2 : 'inherit', 'inherit'], env, ...(windowsVerbatimArguments && { windowsVerbatimArguments }) }, { graceMs: grace, ending: () => profileBeingWritten(dir), endingMaxMs: 60_000 })
  const wall = performance.now() - t0
  const files = readdirSync(dir).filter(f => f.endsWith(args.heap ? '.heapprofile' : '.cpuprofile')).sort()
  // as a shell (and `time`, `env`, `timeout`): 127 for a command not found, 126 for one that cannot be run
  if (r.error) {
    const code = (r.error as NodeJS.ErrnoException).code
    throw new ProfileCommandError('E_COMMAND_NOT_RUN', `could not run '${command[0]}': ${code === 'ENOENT' ? 'command not found' : r.error.message}`, command.join(' '), code === 'ENOENT' ? 127 : 126)
  }
  const exit = r.killedAfterGrace && r.signal === 'SIGKILL' ? `killed by SIGKILL: still running ${formatDuration(grace)} after ${r.stoppedBy}` : exitText(r)
  // unperf profile exits as the command did (a CI step `unperf profile -- node build.mjs` must fail
  // when the build does), 128 + n for a signal, as shells report it; the profile is still kept and printed
  const status = exitStatus(r)
  if (status !== 0) process.exitCode = status
  if (files.length === 0) {
    // a command that failed (or was killed, SIGKILL leaves no profile) exits with its status; one
    // that succeeded without a node process in it is a usage problem
    if (status !== 0) throw new ProfileCommandError('E_NO_PROFILE', `no profile was written: '${command.join(' ')}' ended (${exit}) before any node process in it wrote one`, command.join(' '), status)
    throw new UsageError(`no profile was written: is '${command[0]}' a node program? (${exit})`)
  }
  // wrapped: one profile per node process (npx, then the program, then the program's own node children)
  const timings = readTimings(dir)
  const stampOf = (file: string) => file.replace(/^(CPU|Heap)\./, '').replace(/\.(cpu|heap)profile$/, '')
  const profiled = new Set(files.map(stampOf))
  const program = isNode ? undefined : pickProgram([...timings].filter(([stamp]) => profiled.has(stamp)).map(([stamp, t]) => ({ stamp, parent: t.parent ?? null, main: t.main ?? null })))
  const mainFile = isNode ? files[0]! : files.find(f => stampOf(f) === program) ?? files[files.length - 1]!
  const main = join(dir, mainFile)
  // direct: one timing record (the preload's, in node's own process)
  const timing = isNode ? [...timings.values()].pop() : timings.get(stampOf(mainFile))
  // named after the profile kept (the program's process), not the wrapper's
  const kept = resolve(cwd, args.out ?? basename(main))
  try {
    makeDirSync(dirname(kept))
    copyFileSync(main, kept)
  } catch (error) {
    // the reason without node's message, which names the temp copy that is about to be removed
    const code = (error as NodeJS.ErrnoException).code
    const reason = code === 'EISDIR' ? `it is a directory${args.out ? ' (--out takes a file path)' : ''}`
      : code === 'ENOTDIR' ? 'a parent of it is not a directory'
        : code === 'EACCES' || code === 'EPERM' ? 'permission denied'
          : errorMessage(error)
    const message = `could not keep the profile at ${kept}: ${reason}`
    // a bad --out is bad usage (exit 2); an unwritable project dir is not
    throw args.out ? new UsageError(message) : new PerfError('E_PROFILE_NOT_KEPT', message)
  }
  const profile = JSON.parse(readFileSync(main, 'utf8'))
  if (args.heap) {
    const sites = new Map<string, number>()
    const walk = (n: ProfileNode & { selfSize: number; children: (ProfileNode & { selfSize: number; children: [] })[] }) => {
      if (isPreloadFrame(n.callFrame)) return // unperf's preload, not the program
      sites.set(frameName(n.callFrame), (sites.get(frameName(n.callFrame)) ?? 0) + n.selfSize)
      for (const c of n.children ?? []) walk(c as never)
    }
    walk(profile.head)
    // a site that allocated nothing itself (every caller on the way, (root)) is not an allocation site
    const top = [...sites].filter(([, bytes]) => bytes > 0).sort((a, b) => b[1] - a[1]).slice(0, 20).map(([name, bytes]) => ({ name, bytes }))
    if (args.json) return printJson({ profile: kept, wall, exitCode: r.status, signal: r.signal, allocations: top })
    // the command's exit, as the CPU profile's text says it: a heap profile of a failed run is one too
    console.log(bold(`\n${command.join(' ')}: ${formatDuration(wall)} wall, ${exit}`))
    console.log(bold('\nTop allocation sites'))
    console.log(table(top.map(t => [formatBytes(t.bytes), t.name]), ['allocated', 'site']))
    return console.log(dim(`\nheap profile: ${kept} (open in Chrome DevTools → Memory)`))
  }
  const analysis = analyzeCpuProfile(profile)
  const startup = startupPhases(timing, analysis.packages.reduce((a, p) => a + p.ms, 0))
  if (args.json) return printJson({ profile: kept, wall, exitCode: r.status, signal: r.signal, startup, ...analysis })
  console.log(bold(`\n${command.join(' ')}: ${formatDuration(wall)} wall, ${exit}`))
  if (startup.length > 0) {
    console.log(bold('\nStartup phases (the profiled node process)'))
    console.log(table(startup.map(p => [formatDuration(p.ms), p.phase]), ['time', 'phase']))
  }
  if (args.imports) {
    console.log(bold('\nTime loading modules, by package'))
    console.log(table(analysis.packages.map(p => [formatDuration(p.ms), p.name]), ['time', 'package']))
    console.log(bold('\nSlowest modules'))
    console.log(table(analysis.modules.slice(0, 15).map(m => [formatDuration(m.ms), m.name.replace(/^file:\/\//, '')]), ['time', 'module']))
  } else {
    console.log(bold('\nTop functions by self time'))
    console.log(table(analysis.self.map(f => [formatDuration(f.ms), f.name]), ['self', 'function']))
    console.log(bold('\nTop functions by total time'))
    console.log(table(analysis.total.map(f => [formatDuration(f.ms), f.name]), ['total', 'function']))
  }
  console.log(dim(`\nCPU profile: ${kept} (open in Chrome DevTools or speedscope)`))
}

