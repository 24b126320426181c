/**
 * Helpers for the vitest reporter tests: a temp project that resolves packages from the repo's
 * node_modules, the reporter (and CLI commands) bundled from source with esbuild, and real
 * vitest runs as child processes.
 */
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { build } from 'esbuild'
import { tempDir } from '../helpers/tmp.js'

export const REPO = fileURLToPath(new URL('../..', import.meta.url))
const VITEST_BIN = join(REPO, 'node_modules/vitest/vitest.mjs')

/**
 * A temp dir whose `node_modules` entries link to the repo's, so bare imports resolve. A real
 * directory, not one link: the config snapshot (`node_modules/.cache/unperf`) stays per project.
 */
export function tempProject(files: Record<string, string> = {}): string {
  const dir = tempDir('unperf-vitest-')
  mkdirSync(join(dir, 'node_modules'))
  for (const name of readdirSync(join(REPO, 'node_modules'))) {
    if (name !== '.cache') symlinkSync(join(REPO, 'node_modules', name), join(dir, 'node_modules', name))
  }
  writeFiles(dir, { 'package.json': JSON.stringify({ name: 'fixture', type: 'module', private: true }), ...files })
  return dir
}

/**
 * An `app` dir inside a tempProject() with its own vitest of `version` installed (npm, from its
 * cache when it has it): the reporter's own packages resolve from the project above it.
 */
export function appWithVitest(version: string): string {
  const app = join(tempProject(), 'app')
  mkdirSync(app)
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', type: 'module', private: true }))
  const npm = spawnSync('npm', ['install', `vitest@${version}`, '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts', '--silent'], { cwd: app, encoding: 'utf8', timeout: 240_000 })
  if (npm.status !== 0) throw new Error(`npm install vitest@${version}: ${npm.stderr}`)
  return app
}

export function writeFiles(dir: string, files: Record<string, string>): void {
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true })
    writeFileSync(join(dir, name), text)
  }
}

/** Bundles a source entry (or inline source resolved from the repo) into `outfile`; packages stay external. */
export async function bundle(outfile: string, entry: { file: string } | { contents: string }): Promise<string> {
  await build({
    ...('file' in entry ? { entryPoints: [join(REPO, entry.file)] } : { stdin: { contents: entry.contents, resolveDir: REPO, loader: 'ts' } }),
    outfile,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    logLevel: 'error',
  })
  return outfile
}

/** The environment of a child process: no vitest worker variables and no CI commit variables leak in. */
export function childEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {}
  for (const [key, value] of Object.entries(process.env)) {
    if (/^(VITEST|TINYPOOL|CI$|GITHUB_|CI_COMMIT|BUILDKITE|CIRCLE|TRAVIS|BITBUCKET|DRONE|SEMAPHORE|APPVEYOR|BUILD_SOURCEVERSION|GIT_COMMIT|VERCEL)/.test(key)) continue
    env[key] = value
  }
  return { ...env, NODE_ENV: 'test', FORCE_COLOR: '0', NO_COLOR: '1', ...extra }
}

export interface RunResult { status: number | null; stdout: string; stderr: string }

/**
 * `vitest run --config <config>` in `cwd`, as a real child process. Its test files run one after the
 * other in one worker process, modules kept (`--no-isolate`, and `--maxWorkers=1` unless `args` set
 * it): one fork per run instead of one per file, ≈ 1.5 s of CPU less per run. What these tests look
 * at, the reporter, runs in vitest's main process and gets each file's results as with a fork per
 * file. `isolate`: vitest's default pool instead (a test about a worker that crashes).
 */
export function runVitest(cwd: string, config: string, env: Record<string, string> = {}, args: string[] = [], { isolate = false } = {}): RunResult {
  const pool = isolate ? [] : ['--no-isolate', ...(args.some(a => a.startsWith('--maxWorkers')) ? [] : ['--maxWorkers=1'])]
  const r = spawnSync(process.execPath, [VITEST_BIN, 'run', '--config', config, ...pool, ...args], {
    cwd, env: childEnv(env), encoding: 'utf8', timeout: 120_000,
  })
  return { status: r.status, stdout: r.stdout, stderr: r.stderr }
}

/** `node <script> ...args` as a child process. */
export function runNode(cwd: string, script: string, args: string[], env: Record<string, string> = {}): RunResult {
  const r = spawnSync(process.execPath, [script, ...args], { cwd, env: childEnv(env), encoding: 'utf8', timeout: 60_000 })
  return { status: r.status, stdout: r.stdout, stderr: r.stderr }
}

/**
 * The `unperf` CLI built from source (src/cli/index.ts, as scripts/build.mjs bundles it: lazy
 * commands as split chunks) into `dir`, and a wrapper script running `unperf <name> ...args`.
 */
export async function bundleCommand(dir: string, name: 'shard' | 'tests'): Promise<string> {
  const out = join(dir, 'unperf-cli')
  const entry = join(out, 'cli.mjs')
  if (!existsSync(entry)) {
    await build({
      entryPoints: { cli: join(REPO, 'src/cli/index.ts') },
      outdir: out,
      bundle: true,
      splitting: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      outExtension: { '.js': '.mjs' },
      packages: 'external',
      define: { __UNPERF_VERSION__: JSON.stringify('0.0.0-test') },
      logLevel: 'error',
    })
  }
  const script = join(dir, `cli-${name}.mjs`)
  writeFileSync(script, `process.argv.splice(2, 0, ${JSON.stringify(name)})\nawait import(${JSON.stringify(pathToFileURL(entry).href)})\n`)
  return script
}
