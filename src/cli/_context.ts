import { statSync } from 'node:fs'
import { resolve } from 'node:path'
import { UsageError } from '../errors.js'
import { projectDir } from '../runtime/project.js'
import { _loadPerfConfigLayers, type LoadedPerfConfig } from '../config/load.js'
import type { RawLayer } from '../config/layers.js'
import type { ResolvedPerfConfig } from '../config/types.js'
import { readHistory, type HistoryEntry } from '../runtime/report/history.js'
import { reportDirUnsafe } from '../runtime/report/finalize.js'
import { unsafeReadMessage } from '../runtime/unwritable-warning.js'
import { readableDriverRuns, readableRuns } from './history-check.js'
import { stderrColors } from './_ui.js'

/**
 * Where the command looks: cwd = --cwd (or the project the current directory is in: its nearest
 * package.json up, runtime/project.ts projectDir), rootDir = --root-dir (or cwd);
 * a relative --root-dir is taken from --cwd, as every relative path in an option.
 */
export function cliDirs(args: { cwd?: string; rootDir?: string }): { cwd: string; rootDir: string } {
  // no --cwd: the project the shell is in (its nearest package.json up), not the subdir itself
  const cwd = args.cwd ? resolve(args.cwd) : projectDir(process.cwd())
  if (!args.rootDir) return { cwd, rootDir: cwd }
  // a relative --root-dir: from --cwd, else from the shell's dir (a path typed there)
  const rootDir = resolve(args.cwd ? cwd : process.cwd(), args.rootDir)
  // a typo, not a package without a config (as for --cwd)
  const st = statSync(rootDir, { throwIfNoEntry: false })
  if (!st?.isDirectory()) throw new UsageError(`--root-dir ${rootDir}: expected a directory, ${st ? 'it is a file' : 'there is none'}`)
  return { cwd, rootDir }
}

/**
 * The config the command works on (see cliDirs), `--env NAME` with no block for it warned of on
 * stderr (envBlockWarning): `unperf cache clear --all --yes --env cii` in a CI step cleared the
 * default tiers, not the $env.ci block's shared Redis, and exited 0 without a word.
 */
export async function cliConfig(args: { cwd?: string; rootDir?: string; env?: string }): Promise<ResolvedPerfConfig> {
  const { config, layers } = await cliConfigLayers(args)
  const env = envBlockWarning(args.env, layers)
  if (env) console.error(stderrColors.yellow(`[unperf] warning: ${env}`))
  return config
}

/** The config with the layers it came from (see cliDirs); `keepRaw` gets them as written (env blocks in place) and as applied. */
export function cliConfigLayers(args: { cwd?: string; rootDir?: string; env?: string }, keepRaw?: (raw: RawLayer[], applied: RawLayer[]) => void): Promise<LoadedPerfConfig> {
  return _loadPerfConfigLayers({ ...cliDirs(args), ...(args.env && { env: args.env }) }, 'loadPerfConfigLayers', keepRaw)
}

/**
 * `--env nope` when no layer has a `$env.nope` block (or `$development`, `$test`, `$production` for those): the env is legitimate (no
 * overrides), but a typo (`--env prod` for `$production`) would pass silently. A warning naming the
 * blocks the config has; every `unperf` command that reads the config looks (cliConfig; `config`, `doctor` and
 * `budget` their own way), never a CLI's start.
 */
export function envBlockWarning(env: string | undefined, layers: LoadedPerfConfig['layers']): string | undefined {
  if (!env) return undefined
  const blocks = envBlocks(layers)
  if (blocks.has(`$${env}`) || blocks.has(`$env.${env}`)) return undefined
  const has = blocks.size === 0 ? 'it has no env blocks' : `its env blocks: ${[...blocks].sort().join(', ')}`
  // a named block is one of the three standard envs' ($staging is a config error: it goes under $env)
  const named = ['development', 'test', 'production'].includes(env) ? ` (or $${env})` : ''
  return `--env ${env}: the config has no $env.${env}${named} block, so nothing is overridden (${has})`
}

/**
 * `CI` is set (GitHub Actions, GitLab, ...) and a layer has a `$env.ci` block, but the env is not
 * `ci`: unperf takes the env from PERF_ENV, else NODE_ENV, else 'production', never from CI, so the
 * block written for CI is not applied there, silently (a `budgets.mode: 'error'` gate that never
 * fails). Not when `--env` was given (chosen on purpose). `unperf config`, `doctor` and `budget` (the CI gate) look.
 */
export function ciBlockWarning(cliEnv: string | undefined, env: string, layers: LoadedPerfConfig['layers'], vars: NodeJS.ProcessEnv = process.env): string | undefined {
  const ci = vars.CI
  if (cliEnv || !ci || ci === 'false' || ci === '0' || env === 'ci' || !envBlocks(layers).has('$env.ci')) return undefined
  const from = vars.PERF_ENV ? `from PERF_ENV=${vars.PERF_ENV}` : vars.NODE_ENV ? `from NODE_ENV=${vars.NODE_ENV}` : 'the default: neither PERF_ENV nor NODE_ENV is set'
  return `CI=${ci} but the env is '${env}' (${from}), so the config's $env.ci block is not applied: unperf does not read CI to choose the env; set PERF_ENV=ci in the CI job`
}

/** The env blocks the layers have: `$development`, `$env.ci`, ... */
function envBlocks(layers: LoadedPerfConfig['layers']): Set<string> {
  const blocks = new Set<string>()
  for (const { config } of layers) {
    for (const [key, value] of Object.entries(config)) {
      if (!key.startsWith('$') || key === '$schema' || key === '$meta' || !isBlock(value)) continue
      if (key === '$env') for (const [name, block] of Object.entries(value)) { if (isBlock(block)) blocks.add(`$env.${name}`) }
      else blocks.add(key)
    }
  }
  return blocks
}

const isBlock = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value)

/**
 * Why report.dir is not read (someone else could write to it: their history lines and report.json
 * would decide the verdicts), said on stderr; undefined when it is safe to read.
 */
export function cliReportDirRefused(config: ResolvedPerfConfig): string | undefined {
  const unsafe = reportDirUnsafe(config)
  if (unsafe) console.error(`[unperf] ${unsafeReadMessage(unsafe)}`)
  return unsafe
}

/**
 * This machine's runs (history.jsonl), a line unperf did not write left out and said with its line
 * (history-check.ts); none from an unsafe report dir (cliReportDirRefused, said once).
 */
export function cliLocalHistory(config: ResolvedPerfConfig, refused = cliReportDirRefused(config)): HistoryEntry[] {
  return refused ? [] : readableRuns(config, readHistory(config, { loose: true }))
}

/**
 * The run history `unperf budget` and `unperf report` judge: history.jsonl, merged (by runId) with
 * `report.historyDriver` when configured, like the run itself did: on a fresh CI clone the local
 * file holds one run, and a regression the run found against other machines' runs must not vanish
 * from the CI gate. A driver failure warns on stderr and falls back to the local history.
 * `driverFailed` is called when the driver could not be read; `local`: cliLocalHistory(), when the
 * caller needs this machine's runs apart too (read once).
 */
export async function cliHistory(config: ResolvedPerfConfig, refused = cliReportDirRefused(config), driverFailed?: () => void, local = cliLocalHistory(config, refused)): Promise<HistoryEntry[]> {
  if (!config.report.historyDriver) return local
  const { withDriverHistory } = await import('../runtime/report/history-driver.js')
  return readableDriverRuns(await withDriverHistory(config, local, message => { driverFailed?.(); console.error(`[unperf] ${message}`) }, true))
}
