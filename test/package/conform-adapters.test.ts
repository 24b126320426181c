/**
 * API.md "Adapters" on the packed package with the real frameworks (citty, commander 14): a
 * command's name is its path ('cache clear'), `--no-cache` turns the cache off for the run (before
 * or after the command), and perf is closed on every path (success, a thrown error, --help,
 * --version, an unknown command): one report, one history line, `exit` fired once, and the exit
 * code as the framework gives it (bad usage 2 through unperf's runMain / instrument).
 */
import { spawnSync } from 'node:child_process'
import { cpSync, existsSync, readFileSync, realpathSync, rmSync, symlinkSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { consumerProject, nodeIn, packedTarball } from './_packed.js'

const root = join(import.meta.dirname, '../..')

let project: string

const COMMAND = `async () => { const p = getPerf(); await p.cache.set('k', 1); console.log(JSON.stringify({ enabled: p.config.cache.enabled, got: await p.cache.get('k') })) }`

const FILES: Record<string, string> = {
  'perf.config.mjs': `export default { cache: { driver: 'memory' }, report: { console: false, dir: process.env.REPORT_DIR }, budgets: { commands: { 'cache clear': { duration: '1h' } } }, hooks: { exit: () => process.stderr.write('exit hook\\n') } }`,
  'citty-cli.mjs': `
    import { defineCommand } from 'citty'
    import { runMain, withPerf } from 'unperf/citty'
    import { getPerf } from 'unperf'
    const clear = defineCommand({ meta: { name: 'clear' }, run: ${COMMAND} })
    const main = defineCommand({
      meta: { name: 'acme', version: '1.4.0' },
      subCommands: {
        cache: () => Promise.resolve(defineCommand({ meta: { name: 'cache' }, subCommands: { clear } })),
        boom: defineCommand({ meta: { name: 'boom' }, run() { throw new Error('kaboom') } }),
      },
    })
    await runMain(withPerf(main))`,
  'commander-cli.mjs': `
    import { Command } from 'commander'
    import { instrument } from 'unperf/commander'
    import { getPerf } from 'unperf'
    const program = new Command('acme').version('1.4.0')
    program.command('cache').command('clear').action(${COMMAND})
    program.command('boom').action(async () => { throw new Error('kaboom') })
    await instrument(program).parseAsync()`,
}

/** The oldest commander the peer range takes (package.json), linked as the host's own commander. */
let oldCommander: string

beforeAll(() => {
  project = consumerProject(FILES)
  oldCommander = consumerProject(FILES)
  linkAs(oldCommander, 'commander', 'commander8')
  expect(JSON.parse(readFileSync(join(oldCommander, 'node_modules/commander/package.json'), 'utf8')).version).toMatch(/^8\./)
}, 600_000)

/** `node_modules/<name>` of `host` made the installed `alias` (another version of the package, installed as `alias@npm:<name>@<range>`). */
function linkAs(host: string, name: string, alias: string): void {
  const target = realpathSync(join(host, 'node_modules', alias))
  rmSync(join(host, 'node_modules', name))
  symlinkSync(target, join(host, 'node_modules', name), 'dir')
}

let runs = 0
function runIn(cli: string, args: string[], host = project) {
  const dir = join(host, `.perf-${runs++}`)
  const result = nodeIn(host, cli, args, { REPORT_DIR: dir })
  const report = existsSync(join(dir, 'report.json')) ? JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) : undefined
  const history = existsSync(join(dir, 'history.jsonl')) ? readFileSync(join(dir, 'history.jsonl'), 'utf8').trim().split('\n').length : 0
  return { ...result, startup: report?.startup, budgets: report?.budgets.filter((b: { kind: string }) => b.kind === 'duration').map((b: { budget: string; status: string }) => [b.budget, b.status]), commands: report?.commands.map((c: { name: string; status: string }) => [c.name, c.status]), history, exitHooks: result.stderr.split('\n').filter(l => l === 'exit hook').length }
}

describe.each([['unperf/citty withPerf', 'citty-cli.mjs', false], ['unperf/commander instrument', 'commander-cli.mjs', false], ['unperf/commander instrument on commander 8', 'commander-cli.mjs', true]])('%s', (_name, cli, old) => {
  const run = (cli: string, args: string[]) => runIn(cli, args, old ? oldCommander : project)
  it("names a command by its path ('cache clear') and closes perf after it", () => {
    const r = run(cli, ['cache', 'clear'])
    expect(r.code, r.stderr).toBe(0)
    expect(JSON.parse(r.stdout.trim())).toEqual({ enabled: true, got: 1 })
    expect([r.commands, r.history, r.exitHooks]).toEqual([[['cache clear', 'ok']], 1, 1])
    // the path is the key of budgets.commands
    expect(r.budgets).toEqual([["budgets.commands['cache clear'].duration", 'pass']])
    // startup timed from process start, with its phases
    expect(r.startup.total).toBeGreaterThan(0)
    expect(r.startup.phases.map((p: { name: string }) => p.name)).toEqual(expect.arrayContaining(['boot', 'config']))
  }, 180_000)

  it('--no-cache turns the cache off for the run, after or before the command', () => {
    for (const args of [['cache', 'clear', '--no-cache'], ['--no-cache', 'cache', 'clear']]) {
      const r = run(cli, args)
      expect(r.code, r.stderr).toBe(0)
      expect(JSON.parse(r.stdout.trim())).toEqual({ enabled: false, got: null })
      expect(r.commands).toEqual([['cache clear', 'ok']])
    }
  }, 180_000)

  it('closes perf on a thrown error (exit 1, the command recorded as an error)', () => {
    const r = run(cli, ['boom'])
    expect(r.code).toBe(1)
    expect(r.stderr).toContain('kaboom')
    expect([r.commands, r.history, r.exitHooks]).toEqual([[['boom', 'error']], 1, 1])
  }, 180_000)

  it('closes perf on --help and --version (exit 0) and on an unknown command (exit 2)', () => {
    for (const [args, code] of [[['--help'], 0], [['--version'], 0], [['cache', '--help'], 0], [['frobnicate'], 2]] as const) {
      const r = run(cli, [...args])
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(code)
      expect([r.commands, r.history, r.exitHooks], args.join(' ')).toEqual([[], 1, 1])
      if (args[0] === '--version') expect(r.stdout.trim()).toBe('1.4.0')
      if (args[0] === '--help') expect(r.stdout + r.stderr).toContain('cache')
    }
  }, 180_000)
})

describe('the peer range', () => {
  // commander is an optional peer: npm refuses (ERESOLVE) to install unperf at all in a project on a
  // commander outside the range, whether or not it uses unperf/commander. It was '>=12', while the
  // adapter runs the same on 8 to 14 (above): `npm install unperf` failed in commander 8-11 CLIs
  it('lets npm install the package in a project on commander 8 or 11', () => {
    for (const commander of ['^8.3.0', '^11.1.0']) {
      const host = consumerProject({}, { dependencies: { commander } })
      rmSync(join(host, 'node_modules'), { recursive: true })
      const r = spawnSync('npm', ['install', packedTarball(), '--dry-run', '--prefer-offline', '--no-audit', '--no-fund'], { cwd: host, encoding: 'utf8', timeout: 120_000 })
      expect(`${r.stderr}`, commander).not.toMatch(/ERESOLVE/)
      expect(r.status, `${commander}: ${r.stderr}`).toBe(0)
    }
  }, 300_000)
})

describe('a bad perf config in a host CLI', () => {
  it('exits 2 (bad config, as the unperf CLI) with the problem named, under either adapter', () => {
    const bad = consumerProject({ 'perf.config.mjs': `export default { cache: { ttl: 0 } }` })
    for (const cli of ['citty-cli.mjs', 'commander-cli.mjs']) {
      cpSync(join(project, cli), join(bad, cli))
      const r = nodeIn(bad, cli, ['cache', 'clear'])
      expect(r.code, cli).toBe(2)
      expect(r.stderr).toContain('perf.config.mjs:1:27: cache.ttl: expected a duration greater than 0')
      expect(r.stdout).toBe('')
    }
  }, 180_000)
})

/**
 * A host on citty 0.1 (most citty CLIs still pin it): unperf depends on citty 0.2 for its own CLI,
 * so npm installs a second copy under unperf, and `withPerf(main)` did not type-check (TS2345:
 * citty 0.1's CommandDef is not assignable to the one unperf's declarations named), nor did
 * citty's own `runMain(withPerf(main))`. Here the host's `citty` is 0.1 and unperf's 0.2, as npm
 * lays them out: the tree type-checks and runs under either runMain.
 */
describe('a host CLI on citty 0.1', () => {
  it('withPerf(main) and runMain type-check and run, with unperf\'s runMain and citty\'s own', () => {
    const host = consumerProject({
      'perf.config.mjs': `export default { cache: { driver: 'memory' }, report: { console: false, dir: process.env.REPORT_DIR } }`,
      'cli.ts': [
        `import { defineCommand, runMain as cittyRunMain } from 'citty'`,
        `import { getPerf, runMain, withPerf } from 'unperf/citty'`,
        `const build = defineCommand({ meta: { name: 'build' }, args: { out: { type: 'string' } }, run({ args }) { console.log(JSON.stringify({ out: args.out, enabled: getPerf().config.cache.enabled })) } })`,
        `const main = defineCommand({ meta: { name: 'acme', version: '1.4.0' }, subCommands: { build, cache: () => Promise.resolve(defineCommand({ meta: { name: 'cache' }, subCommands: { clear: { run() {} } } })) } })`,
        `const wrapped = withPerf(main)`,
        `// @ts-expect-error not a citty command`,
        `export const notACommand = () => withPerf(42)`,
        `await (process.env.OWN_RUN_MAIN ? cittyRunMain(wrapped) : runMain(wrapped, { rawArgs: process.argv.slice(2), showUsage: async () => {} }))`,
      ].join('\n'),
      'tsconfig.json': JSON.stringify({ compilerOptions: { module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', strict: true, noEmit: true, skipLibCheck: false, types: ['node'], typeRoots: [join(root, 'node_modules/@types')] }, files: ['cli.ts'] }),
    })
    // the host's own citty is 0.1; unperf's (resolved from its real path) stays 0.2
    linkAs(host, 'citty', 'citty01')
    expect(JSON.parse(readFileSync(join(host, 'node_modules/citty/package.json'), 'utf8')).version).toMatch(/^0\.1\./)
    expect(JSON.parse(readFileSync(join(realpathSync(join(host, 'node_modules/unperf')), '../citty/package.json'), 'utf8')).version).toMatch(/^0\.2\./)
    const tsc = spawnSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'], { cwd: host, encoding: 'utf8', timeout: 120_000 })
    expect(`${tsc.stdout}${tsc.stderr}`).toBe('')
    expect(tsc.status).toBe(0)
    for (const own of ['', '1']) {
      const dir = join(host, `.perf-${own || 'unperf'}`)
      const r = nodeIn(host, join(host, 'node_modules/tsx/dist/cli.mjs'), ['cli.ts', 'build', '--out', 'x.js', '--no-cache'], { REPORT_DIR: dir, OWN_RUN_MAIN: own })
      expect(r.code, r.stderr).toBe(0)
      expect(JSON.parse(r.stdout.trim())).toEqual({ out: 'x.js', enabled: false })
      expect(JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')).commands.map((c: { name: string }) => c.name)).toEqual(['build'])
    }
    // bad usage: 2 with unperf's runMain (citty's own exits 1)
    expect(nodeIn(host, join(host, 'node_modules/tsx/dist/cli.mjs'), ['cli.ts', 'frobnicate'], { REPORT_DIR: join(host, '.perf-bad') }).code).toBe(2)
  }, 600_000)
})
