/**
 * API.md "The `unperf` CLI" on the installed binary: every command listed takes `--cwd`, `--env`
 * and `--json` (one JSON document on stdout; `monitor` JSON lines), and exits 0 ok, 1 when a check
 * failed (budget breach or no run, corrupt entries, a doctor problem), 2 on bad usage or bad config
 * (an unknown command included). Commands run from another dir, pointed at the project by --cwd.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { consumerProject, nodeIn, unperfIn, type Run } from './_packed.js'

let project: string
let elsewhere: string

beforeAll(() => {
  project = consumerProject({
    'perf.config.mjs': `export default { cache: { driver: 'fs' }, report: { console: false }, $env: { ci: { cache: { ttl: '5m' } } } }`,
    'app.mjs': `
      import { createPerf } from 'unperf'
      const perf = await createPerf({ overrides: { budgets: { startup: '1h', memory: '10GB' } } })
      await perf.run('build', async () => { await perf.cache.wrap('greeting', async () => 'hello world, a value') })
      await perf.close()`,
    'plugin.mjs': `
      import { createPerf, definePerfPlugin } from 'unperf'
      const gitInfo = definePerfPlugin({ name: 'git-info', async setup({ cache }) { await cache.set('head', 'abc') } })
      const perf = await createPerf({ overrides: { plugins: [gitInfo], report: { dir: './.plugin-run' } } })
      await perf.cache.set('other', 1)
      await perf.close()`,
  })
  elsewhere = join(project, 'elsewhere')
  mkdirSync(elsewhere)
}, 600_000)

/** `unperf ...args --cwd <project>` run from another dir, with the project's platform cache dir. */
const unperf = (...args: string[]): Run => unperfIn(elsewhere, [...args, '--cwd', project], { XDG_CACHE_HOME: join(project, '.xdg') }, project)

describe('every command takes --cwd, --env and --json', () => {
  it('before any run: each command answers one JSON document with the exit code API.md lists', () => {
    const commands: [string[], number][] = [
      [['config'], 0], [['cache', 'info'], 0], [['cache', 'list'], 0], [['cache', 'get', 'missing'], 1],
      [['cache', 'clear', '--all', '--yes'], 0], [['cache', 'prune'], 0], [['cache', 'verify'], 0], [['cache', 'stats'], 0],
      [['budget'], 1], [['report'], 0], [['tests', 'flaky'], 0], [['tests', 'slow'], 0], [['doctor'], 0],
      [['bench', 'true', '--runs', '2', '--warmup', '0'], 0],
    ]
    for (const [args, code] of commands) {
      const r = unperf(...args, '--env', 'ci', '--json')
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(code)
      expect(() => r.json(), `${args.join(' ')}: ${r.stdout}`).not.toThrow()
    }
    expect(unperf('budget', '--json').json().error.code).toBe('E_NO_RUN')
  }, 180_000)

  it('--env applies the $env block; --cwd is the project', () => {
    expect(unperf('config', '--json').json().config.cache.ttl).toBe(86_400_000)
    const ci = unperf('config', '--env', 'ci', '--json').json().config
    expect([ci.cache.ttl, ci.env, ci.cwd, ci.name]).toEqual([300_000, 'ci', project, 'conform-cli'])
  }, 180_000)

  it('after a run: cache list/get/info/stats, budget and report read what it recorded', () => {
    expect(nodeIn(project, 'app.mjs').code).toBe(0)
    // the config snapshot in <rootDir>/node_modules/.cache/unperf/; cache and reports in the platform cache dir, not the project
    expect(readdirSync(join(project, 'node_modules/.cache/unperf'))).toContain('config')
    expect(readdirSync(project).sort()).toEqual(['.xdg', 'app.mjs', 'elsewhere', 'node_modules', 'package.json', 'perf.config.mjs', 'plugin.mjs'])
    expect(unperf('cache', 'list', '--json').json()).toEqual([expect.objectContaining({ namespace: 'default', key: 'greeting' })])
    const entry = unperf('cache', 'get', 'greeting', '--json').json()
    expect(entry).toEqual({ value: 'hello world, a value', createdAt: expect.any(Number), expiresAt: expect.any(Number), size: expect.any(Number), metadata: null })
    expect(unperf('cache', 'get', 'greeting').stdout.trim()).toBe('hello world, a value')
    expect(unperf('cache', 'info', '--json').json().namespaces).toEqual(expect.arrayContaining([expect.objectContaining({ namespace: 'default', entries: 1 })]))
    // the run looked 'greeting' up once (a miss)
    expect(unperf('cache', 'stats', '--json').json()).toMatchObject({ runs: 1, lookups: 1, hitRate: 0 })
    const budget = unperf('budget', '--json')
    expect(budget.code, budget.stdout).toBe(0)
    expect(budget.json().ok).toBe(true)
    expect(unperf('report', '--json').json()).toMatchObject({ runs: 1, commands: [expect.objectContaining({ command: 'build', runs: 1 })] })
    // no terminal to confirm on (stdin not a TTY) and no --yes: nothing removed, exit 2
    expect(unperf('cache', 'clear', '--all').code).toBe(2)
    expect(unperf('cache', 'list', '--json').json()).toHaveLength(1)
    // clear --key and --namespace plugin:<name>
    expect(nodeIn(project, 'plugin.mjs').code).toBe(0)
    expect(unperf('cache', 'list', '--namespace', 'plugin:git-info', '--json').json()).toEqual([expect.objectContaining({ key: 'head' })])
    // a plugin's namespace misspelt: bad usage with the closest, nothing removed (the clear below still finds its entry)
    const typo = unperf('cache', 'clear', '--namespace', 'plugin:git-inf', '--yes')
    expect([typo.code, typo.stdout]).toEqual([2, ''])
    expect(typo.stderr).toContain("[unperf] --namespace 'plugin:git-inf': no plugin of the config is named 'git-inf', and no namespace is stored under that name; did you mean 'plugin:git-info'?")
    expect(unperf('cache', 'clear', '--namespace', 'plugin:git-info', '--yes', '--json').json()).toEqual({ removed: 1 })
    expect(unperf('cache', 'clear', '--key', 'other', '--yes', '--json').json()).toEqual({ removed: 1 })
    expect(unperf('cache', 'list', '--json').json().map((e: { key: string }) => e.key)).toEqual(['greeting'])
    const html = join(project, 'report.html')
    expect(unperf('report', '--html', html).code).toBe(0)
    expect(readFileSync(html, 'utf8')).toMatch(/^<!doctype html>/i)
    // `unperf help <command>` is `<command> --help`
    expect(unperf('help', 'cache', 'clear')).toMatchObject({ code: 0, stdout: expect.stringContaining('USAGE unperf cache clear') })
  }, 180_000)

  it('monitor --json prints JSON lines; shard --json one document', () => {
    const monitor = unperf('monitor', '--count', '2', '--interval', '20ms', '--json')
    expect(monitor.code, monitor.stderr).toBe(0)
    const lines = monitor.stdout.trim().split('\n').map(l => JSON.parse(l))
    expect(lines.filter(l => l.type === 'sample')).toHaveLength(2)
    writeFileSync(join(project, 'a.test.ts'), '')
    const shard = unperf('shard', '--total', '2', '--index', '1', '--json', 'a.test.ts')
    expect(shard.code, shard.stderr).toBe(0)
    expect(shard.json()).toMatchObject({ total: 2, index: 1 })
  }, 180_000)
})

describe('exit codes', () => {
  it('1 when a check failed: corrupt entries (cache verify), a doctor problem', () => {
    const dir = unperf('cache', 'info', '--json').json().namespaces.find((n: { namespace: string }) => n.namespace === 'default').dir
    const file = join(dir, readdirSync(dir).find(n => n.startsWith('greeting'))!)
    const bytes = readFileSync(file)
    bytes[bytes.length - 2]! ^= 0xff
    writeFileSync(file, bytes)
    expect(unperf('cache', 'verify', '--json')).toMatchObject({ code: 1 })
    expect(unperf('cache', 'verify', '--json').json()).toEqual({ checked: 0, corrupt: 0, removed: 0, entries: [] })
    const broken = consumerProject({ 'perf.config.mjs': `export default { cache: { driver: ['memory', { driver: 'redis', url: 'redis://127.0.0.1:1' }] } }` })
    const doctor = unperfIn(broken, ['doctor', '--json'])
    expect(doctor.code).toBe(1)
    expect(doctor.json().ok).toBe(false)
  }, 180_000)

  it('2 on an unknown command, bad usage, a bad config; init refuses to overwrite without --force', () => {
    for (const args of [['frobnicate'], ['frobnicate', '--json'], ['cache', 'frobnicate'], ['cache', 'clear'], ['tests', 'frobnicate'], ['config', '--no-such-flag'], ['report', 'last'], ['cache', 'get', 'a', 'b'],
      // a switch given a value: `--yes=no` read as a truthy string cleared every namespace
      ['cache', 'clear', '--all', '--yes=no'], ['init', '--force=no']]) {
      const r = unperf(...args)
      expect(r.code, args.join(' ')).toBe(2)
      if (args.includes('--json')) expect(r.json().error.code).toBe('E_UNKNOWN_COMMAND')
    }
    // every command that reads the config
    const bad = consumerProject({ 'perf.config.mjs': `export default { cache: { ttl: 0 } }` })
    for (const args of [['config'], ['cache', 'info'], ['cache', 'list'], ['cache', 'get', 'k'], ['cache', 'clear', '--all', '--yes'], ['cache', 'prune'], ['cache', 'verify'],
      ['cache', 'stats'], ['budget'], ['report'], ['monitor', '--count', '1'], ['doctor'], ['shard', '--total', '1', '--index', '1'], ['tests', 'flaky'], ['tests', 'slow']]) {
      const r = unperfIn(bad, [...args, '--json'])
      expect(r.code, args.join(' ')).toBe(2)
      if (args[0] !== 'doctor') expect(r.json().error, args.join(' ')).toMatchObject({ code: 'E_CONFIG', message: expect.stringContaining('cache.ttl') })
    }
    const fresh = consumerProject()
    expect(unperfIn(fresh, ['init', '--json']).code).toBe(0)
    expect(readFileSync(join(fresh, 'perf.config.ts'), 'utf8')).toContain(`from 'unperf/config'`)
    expect(unperfIn(fresh, ['init']).code).toBe(2)
    expect(unperfIn(fresh, ['init', '--force', '--json']).code).toBe(0)
    expect(unperfIn(fresh, ['config', '--json']).code).toBe(0)
  }, 180_000)
})
