/**
 * The package as users install it, shared by every test in test/package: `npm pack` of this checkout
 * once per build (keyed by a hash of package.json, dist, bin, schema and TOOLS), installed once into
 * a consumer project with the tools a host CLI uses (citty, as `citty01` citty 0.1: the version most
 * citty CLIs still pin, commander 14, as `commander8` the oldest commander its peer range takes, and
 * commander's typed twin @commander-js/extra-typings, vitest 4, tsx, typescript 5,
 * as `typescript7` TypeScript 7: what `npm install typescript` gives users now, its native `tsc`, and
 * as `typescript50` TypeScript 5.0, the oldest 5.x).
 * Test files run in separate processes: the first to need it packs and installs under a lock dir,
 * the others wait for its `ready` marker. Each test then gets a fresh project of its own whose
 * node_modules links every installed package (so the config snapshot each project writes into
 * its own node_modules/.cache stays its own).
 */
import { execFileSync, spawnSync, type SpawnSyncOptions } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { tempDir } from '../helpers/tmp.js'

const root = join(import.meta.dirname, '../..')
/** What the consumer installs beside the tarball: what API.md's adapters and reporter run with. */
const TOOLS = ['citty', 'citty01@npm:citty@0.1', 'commander@14', 'commander8@npm:commander@8', '@commander-js/extra-typings@14', 'vitest@4', 'tsx', 'typescript@5', 'typescript7@npm:typescript@7', 'typescript50@npm:typescript@5.0']

function buildHash(): string {
  // and the tools: an install of this build without one of them is not this one
  const hash = createHash('sha256').update(readFileSync(join(root, 'package.json'))).update(TOOLS.join('\0'))
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const path = join(dir, entry.name)
      if (entry.isDirectory()) walk(path)
      else {
        const s = statSync(path)
        hash.update(`${relative(root, path)}\0${s.size}\0${s.mtimeMs}\n`)
      }
    }
  }
  for (const dir of ['dist', 'bin', 'schema']) walk(join(root, dir))
  return hash.digest('hex').slice(0, 16)
}

/** An install of another build is removed once this old (another checkout's tests may be using it). */
const STALE_INSTALL = 3 * 3600_000

const sleep = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms)

function install(dir: string): void {
  const packDir = join(dir, 'pack')
  mkdirSync(packDir, { recursive: true })
  execFileSync('npm', ['pack', '--pack-destination', packDir, '--silent'], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] })
  const tarball = join(packDir, readdirSync(packDir).find(f => f.endsWith('.tgz'))!)
  const consumer = join(dir, 'consumer')
  mkdirSync(consumer, { recursive: true })
  writeFileSync(join(consumer, 'package.json'), JSON.stringify({ name: 'unperf-consumer', version: '1.0.0', type: 'module', private: true }))
  execFileSync('npm', ['install', tarball, ...TOOLS, '--no-audit', '--no-fund', '--prefer-offline', '--silent'], { cwd: consumer, stdio: ['ignore', 'pipe', 'inherit'], timeout: 300_000 })
  writeFileSync(join(dir, 'ready'), tarball)
}

let cached: string | undefined
/** The shared consumer's node_modules (packing and installing it first when this build has none). */
export function packedModules(): string {
  if (cached) return cached
  const hash = buildHash()
  const dir = join(tmpdir(), `unperf-packed-${hash}`)
  const lock = `${dir}.lock`
  for (;;) {
    if (existsSync(join(dir, 'ready'))) break
    try {
      mkdirSync(lock)
    } catch {
      // another test file is installing; a lock older than 10 minutes was left by a killed run
      try { if (Date.now() - statSync(lock).mtimeMs > 600_000) rmSync(lock, { recursive: true, force: true }) } catch { /* gone meanwhile */ }
      sleep(500)
      continue
    }
    try {
      rmSync(dir, { recursive: true, force: true })
      install(dir)
      // older builds' installs are of no further use, once nothing can still be using them: another
      // checkout on this machine (a second clone, a git worktree) runs its tests on its own build's
      // install at the same time, and removing it under them failed their tests
      for (const name of readdirSync(tmpdir())) {
        if (!/^unperf-packed-[0-9a-f]{16}$/.test(name) || name === `unperf-packed-${hash}`) continue
        // (an install that never became ready: by its dir's age)
        const made = (statSync(join(tmpdir(), name, 'ready'), { throwIfNoEntry: false }) ?? statSync(join(tmpdir(), name), { throwIfNoEntry: false }))?.mtimeMs
        if (made !== undefined && Date.now() - made > STALE_INSTALL) rmSync(join(tmpdir(), name), { recursive: true, force: true })
      }
    } finally {
      rmSync(lock, { recursive: true, force: true })
    }
  }
  return (cached = join(dir, 'consumer', 'node_modules'))
}

/** The tarball `npm pack` made of this build (the one the shared consumer installed). */
export function packedTarball(): string {
  return readFileSync(join(packedModules(), '../../ready'), 'utf8')
}

/**
 * A fresh host project using the packed unperf: package.json (`pkg` merged over a plain ESM
 * package), the given files (path → content), and node_modules linking every installed package.
 */
export function consumerProject(files: Record<string, string> = {}, pkg: Record<string, unknown> = {}, prefix = 'unperf-conform-'): string {
  const modules = packedModules()
  const dir = tempDir(prefix)
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'conform-cli', version: '1.4.0', type: 'module', private: true, ...pkg }, null, 2))
  mkdirSync(join(dir, 'node_modules'))
  for (const name of readdirSync(modules)) {
    if (name === '.cache' || name === '.package-lock.json') continue
    symlinkSync(join(modules, name), join(dir, 'node_modules', name), 'dir')
  }
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true })
    writeFileSync(join(dir, path), content)
  }
  return dir
}

export interface Run { code: number | null; stdout: string; stderr: string; json: () => any }

/** A command in `cwd` with its own platform cache dir (`<cwd>/.xdg`) and no color. */
export function runIn(cwd: string, command: string, args: string[], env: NodeJS.ProcessEnv = {}, options: SpawnSyncOptions = {}): Run {
  const r = spawnSync(command, args, { cwd, encoding: 'utf8', timeout: 60_000, ...options, env: { ...process.env, NO_COLOR: '1', XDG_CACHE_HOME: join(cwd, '.xdg'), ...env } })
  const stdout = String(r.stdout ?? '')
  return { code: r.status, stdout, stderr: String(r.stderr ?? ''), json: () => JSON.parse(stdout) }
}

/** `node <script> ...args` in `cwd` (see runIn). */
export const nodeIn = (cwd: string, script: string, args: string[] = [], env: NodeJS.ProcessEnv = {}) => runIn(cwd, process.execPath, [script, ...args], env)

/** The `unperf` binary installed in `project` (default: `cwd`), run in `cwd` (see runIn). */
export const unperfIn = (cwd: string, args: string[], env: NodeJS.ProcessEnv = {}, project = cwd) =>
  runIn(cwd, join(project, 'node_modules/.bin/unperf'), args, env, { stdio: ['ignore', 'pipe', 'pipe'] })

/** A script's last stdout line as JSON (its result), failing with its stderr when it did not run. */
export function resultOf(run: Run): any {
  const line = run.stdout.trim().split('\n').pop()
  if (run.code !== 0 || !line) throw new Error(`exit ${run.code}\n${run.stderr}\n${run.stdout}`)
  return JSON.parse(line)
}
