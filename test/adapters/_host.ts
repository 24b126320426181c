/**
 * A host package for the adapter tests: package.json, perf.config.json and a plugin printing the
 * lifecycle (command:after, command:error, exit), with a fixture CLI of fixtures/ copied in, run as
 * a child process against a private copy of dist.
 */
import { spawnSync } from 'node:child_process'
import { copyFileSync, cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll } from 'vitest'
import { tempDir } from '../helpers/tmp.js'

const repo = resolve(import.meta.dirname, '../..')
// A private copy of dist (inside the repo so bare imports resolve from its node_modules): another
// build in the shared tree must not swap files under a running fixture.
const dist = join(import.meta.dirname, `.dist-${process.pid}-${Math.random().toString(36).slice(2, 8)}`)
beforeAll(() => { if (built) cpSync(join(repo, 'dist'), dist, { recursive: true }) })
afterAll(() => rmSync(dist, { recursive: true, force: true }))

export interface Run { code: number | null; stdout: string; stderr: string; history: Array<Record<string, unknown>>; report: { commands: Array<{ name: string; status: string }>; startup: { phases: Array<{ name: string; duration: number }> }; budgets: Array<{ budget: string; status: string }> } | undefined }

/** A host package in a temp dir: package.json + perf.config.json, the fixture CLI copied in. */
export function host(fixture: string, config: Record<string, unknown> = {}): { dir: string; run: (args: string[], env?: Record<string, string>, entry?: string) => Run } {
  const dir = tempDir('unperf-adapters-')
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'adapter-host', version: '3.2.1', type: 'module' }))
  const reports = join(dir, 'reports')
  // `cache` and `report` of `config` go over the defaults key by key (the report dir stays where run() reads it)
  const { cache, report, ...rest } = config as { cache?: object; report?: object }
  writeFileSync(join(dir, 'perf.config.json'), JSON.stringify({
    cache: { dir: join(dir, 'cache'), ...cache },
    report: { dir: reports, console: false, ...report },
    plugins: ['./lifecycle.mjs'],
    ...rest,
  }))
  // a plugin that prints each command:after and exit, to count them from the outside, and whose
  // command:before takes a while (the action must start after it)
  writeFileSync(join(dir, 'lifecycle.mjs'), `export default {
    name: 'lifecycle',
    hooks: {
      'command:before': async ctx => { await new Promise(r => setTimeout(r, 20)); globalThis.__beforeDone = ctx.name },
      'command:error': (ctx, e) => process.stderr.write('[error ' + ctx.name + ' ' + e.name + ']\\n'),
      'command:after': (ctx, r) => process.stderr.write('[after ' + ctx.name + ' ' + r.status + ']\\n'),
      exit: report => process.stderr.write('[exit-hook ' + report.commands.length + ']\\n'),
    },
  }\n`)
  mkdirSync(join(dir, 'bin'))
  copyFileSync(join(import.meta.dirname, 'fixtures', fixture), join(dir, 'bin', 'cli.mjs'))
  return {
    dir,
    // entry: the script started, in bin/ (another name for the CLI: a link to cli.mjs)
    run(args, env = {}, entry = 'cli.mjs') {
      const p = spawnSync(process.execPath, [join(dir, 'bin', entry), ...args], {
        cwd: dir, encoding: 'utf8', timeout: 100_000,
        env: { ...process.env, UNPERF_REPO: repo, UNPERF_DIST: dist, XDG_CACHE_HOME: join(dir, 'xdg'), NO_COLOR: '1', PERF_ENV: 'production', NODE_ENV: '', ...env },
      })
      const historyFile = join(reports, 'history.jsonl')
      const history = existsSync(historyFile) ? readFileSync(historyFile, 'utf8').split('\n').filter(Boolean).map(l => JSON.parse(l) as Record<string, unknown>) : []
      const reportFile = join(reports, 'report.json')
      const report = existsSync(reportFile) ? JSON.parse(readFileSync(reportFile, 'utf8')) as Run['report'] : undefined
      return { code: p.status, stdout: p.stdout, stderr: p.stderr, history, report }
    },
  }
}

/** How many times the `exit` hook fired (the lifecycle plugin prints one line each time). */
export const exitHooks = (r: Run) => r.stderr.match(/\[exit-hook \d+\]/g)?.length ?? 0

export const built = existsSync(join(repo, 'dist/citty.mjs')) && existsSync(join(repo, 'dist/commander.mjs'))

/** The three ways a host runs under unperf: [label, fixture, env]; suites that hold for all of them loop over these. */
export const ADAPTER_HOSTS = [
  ['unperf/citty runMain', 'citty-cli.mjs', {}],
  ["unperf/citty withPerf + citty's runMain", 'citty-cli.mjs', { MODE: 'citty-runmain' }],
  ['unperf/commander instrument', 'commander-cli.mjs', {}],
] as const
