/**
 * `unperf profile -- <cmd>` where <cmd> is not `node script`: npx of a local package's bin, that bin
 * run by its path (a shebang file), `sh -c 'node x.mjs'`. The built CLI and the commands run as real
 * child processes; npx finds the bin in the project's node_modules (a file: dependency npm installed
 * offline), without the network. The program starts a worker thread and, at the end, a node child
 * process of its own: the profile must still be the program's.
 */
import { spawnSync } from 'node:child_process'
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { tempDir } from '../helpers/tmp.js'

const bin = join(import.meta.dirname, '../../bin/unperf.mjs')

const TOOL = `#!/usr/bin/env node
import { writeFileSync } from 'node:fs'
import { execFileSync } from 'node:child_process'
import { Worker } from 'node:worker_threads'
writeFileSync(process.env.PID_FILE, String(process.pid))
function programWork() { const end = Date.now() + 250; let x = 0; while (Date.now() < end) x += Math.sqrt(x + 1); return x }
console.log('tool ran', programWork() > 0)
// a worker thread and a node child process of the program's own, both busy in code of theirs
await new Promise(done => new Worker('function workerWork() { const end = Date.now() + 60; while (Date.now() < end); } workerWork()', { eval: true }).on('exit', done))
execFileSync(process.execPath, ['-e', 'function childWork() { const end = Date.now() + 60; while (Date.now() < end); } childWork()'])
process.exitCode = Number(process.argv[2] ?? 0)
`

describe('unperf profile through wrappers (npx, a bin script, sh -c)', () => {
  let app: string
  const pidFile = () => join(app, 'tool.pid')
  beforeAll(() => {
    const root = tempDir('unperf-profile-wrap-')
    const tool = join(root, 'busy-tool')
    mkdirSync(join(tool, 'bin'), { recursive: true })
    writeFileSync(join(tool, 'package.json'), JSON.stringify({ name: 'busy-tool', version: '1.0.0', type: 'module', bin: { 'busy-tool': 'bin/busy-tool.mjs' } }))
    writeFileSync(join(tool, 'bin', 'busy-tool.mjs'), TOOL)
    chmodSync(join(tool, 'bin', 'busy-tool.mjs'), 0o755)
    app = join(root, 'app')
    mkdirSync(app)
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', version: '1.0.0', private: true, dependencies: { 'busy-tool': 'file:../busy-tool' } }))
    const npm = spawnSync('npm', ['install', '--offline', '--no-audit', '--no-fund', '--ignore-scripts'], { cwd: app, encoding: 'utf8', env: { ...process.env, npm_config_cache: join(root, '.npm') }, timeout: 60_000 })
    expect(npm.status, npm.stderr).toBe(0)
    expect(existsSync(join(app, 'node_modules', '.bin', 'busy-tool'))).toBe(true)
  }, 90_000)

  function profile(...args: string[]) {
    const r = spawnSync(process.execPath, [bin, 'profile', ...args], {
      cwd: app, encoding: 'utf8', timeout: 60_000,
      env: { ...process.env, NO_COLOR: '1', XDG_CACHE_HOME: join(app, '.xdg'), PID_FILE: pidFile(), npm_config_offline: 'true', npm_config_update_notifier: 'false', npm_config_cache: join(app, '.npm') },
    })
    return { code: r.status, stdout: r.stdout, stderr: r.stderr }
  }

  const commands: Array<[string, () => string[]]> = [
    ['npx <bin> of a local package', () => ['npx', 'busy-tool', '3']],
    ['the bin by its path (shebang file)', () => ['./node_modules/.bin/busy-tool', '3']],
    ["sh -c 'node x.mjs'", () => ['sh', '-c', `${JSON.stringify(process.execPath)} node_modules/busy-tool/bin/busy-tool.mjs 3`]],
  ]

  it.each(commands)('%s: --json is one document: the program\'s profile (not the wrapper\'s, its worker\'s or its child\'s), phases, exit code', (_, command) => {
    const r = profile('--json', '--', ...command())
    expect(r.code, r.stderr).toBe(3) // the program's exit code
    const out = JSON.parse(r.stdout) as { profile: string; exitCode: number; signal: null; startup: { phase: string }[]; self: { name: string }[]; total: { name: string }[] }
    expect(out).toMatchObject({ exitCode: 3, signal: null })
    // named after the program's process, kept in the project
    expect(out.profile).toContain(`.${readFileSync(pidFile(), 'utf8')}.`)
    expect(out.profile.startsWith(app)).toBe(true)
    expect(existsSync(out.profile)).toBe(true)
    // 0600 whatever the umask, as node's own --cpu-prof writes it (the preload's copy was 0644, 0666 under umask 000)
    expect(statSync(out.profile).mode & 0o777).toBe(0o600)
    const self = out.self.map(f => f.name).join('\n')
    expect(self).toMatch(/^programWork .*busy-tool\.mjs:6$/m)
    expect(self).not.toMatch(/workerWork|childWork|npm|npx/)
    // busy-tool.mjs is an ES module: it runs after the event loop starts, and the rows say so
    expect(out.startup.map(p => p.phase)).toEqual(expect.arrayContaining(['process start → V8 ready', 'node bootstrap', 'event loop until exit (the ES module main script included)']))
  }, 60_000)

  it.each(commands)('%s: the human output names the command, its exit code, the phases and the profile kept', (_, command) => {
    const r = profile('--', ...command())
    expect(r.code, r.stderr).toBe(3)
    expect(r.stdout).toContain('tool ran true') // the program's own output passes through
    expect(r.stdout).toMatch(new RegExp(`^${command().join(' ').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: .* wall, exit 3$`, 'm'))
    expect(r.stdout).toContain('Startup phases (the profiled node process)')
    expect(r.stdout).toMatch(/programWork .*busy-tool\.mjs:6/)
    expect(r.stdout).toContain(`CPU profile: ${app}/CPU.`)
    expect(r.stdout).toMatch(new RegExp(`CPU profile: \\S+\\.${readFileSync(pidFile(), 'utf8')}\\.cpuprofile `))
  }, 60_000)
})

describe('pickProgram: which profiled node process is the program', () => {
  const rec = (stamp: string, parent: string | null, main: string | null) => ({ stamp, parent, main })
  it('past launchers (npx, then tsx), not the program\'s own node children', async () => {
    const { pickProgram } = await import('../../src/cli/commands/profile-processes.js')
    expect(pickProgram([
      rec('1.10', null, '/usr/lib/node_modules/npm/bin/npx-cli.js'),
      rec('2.11', '1.10', '/p/node_modules/tsx/dist/cli.mjs'),
      rec('3.12', '2.11', '/p/src/cli.ts'),
      rec('4.13', '3.12', '/p/node_modules/some-dep/worker.js'),
    ])).toBe('3.12')
    // yarn berry from the project's .yarn/releases; C:\ paths
    expect(pickProgram([rec('1.1', null, 'C:\\p\\.yarn\\releases\\yarn-4.1.0.cjs'), rec('2.2', '1.1', 'C:\\p\\bin\\cli.js')])).toBe('2.2')
    // sh -c 'node a.mjs; node b.mjs': two programs one after the other: the last one
    expect(pickProgram([rec('1.1', null, '/p/a.mjs'), rec('2.2', null, '/p/b.mjs')])).toBe('2.2')
    expect(pickProgram([rec('1.1', null, '/p/node_modules/cross-env/src/bin/cross-env.js'), rec('2.2', '1.1', '/p/node_modules/nodemon/bin/nodemon.js'), rec('3.3', '2.2', '/p/app.js')])).toBe('3.3')
    // nothing but a launcher (profiling npm itself): none, the caller falls back to the last one
    expect(pickProgram([rec('1.1', null, '/usr/lib/node_modules/npm/bin/npm-cli.js')])).toBeUndefined()
  })
})
