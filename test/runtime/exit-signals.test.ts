/**
 * SIGINT/SIGTERM with listeners of the host's: theirs decide what the signal means (unperf records
 * the exit they make, or the run's end when they keep it alive); signal-exit's, which only
 * re-raise a signal nobody else listens to, decide nothing: the process still dies of it.
 */
import { spawn } from 'node:child_process'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { tempDir } from '../helpers/tmp.js'

const repo = resolve(import.meta.dirname, '../..')
const dist = join(repo, 'dist/index.mjs')

/**
 * A real signal-exit (v4, what ora, execa, ink, log-update and write-file-atomic load): the repo's
 * if installed, else the copy npm ships with every node (<prefix>/lib/node_modules/npm).
 */
function signalExitEntry(): string | undefined {
  try { return createRequire(join(repo, 'package.json')).resolve('signal-exit') } catch { /* not a dependency */ }
  const npm = join(dirname(dirname(process.execPath)), 'lib/node_modules/npm/node_modules/signal-exit/dist/cjs/index.js')
  return existsSync(npm) ? npm : undefined
}
const signalExit = signalExitEntry()

interface Line { exitCode?: number; commands: Array<{ name: string; status: string; error?: { name: string } }> }

/** `prelude` runs before createPerf, `body` after; the command prints 'ready' and waits for `release`. */
async function run(signal: NodeJS.Signals, prelude: string, body = '') {
  const dir = tempDir('unperf-exit-signals-')
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'signal-cli', version: '1.0.0', type: 'module' }))
  writeFileSync(join(dir, 'perf.config.json'), JSON.stringify({ cache: { driver: 'memory' }, report: { console: false, dir: './.perf' } }))
  writeFileSync(join(dir, 'main.mjs'), `
    import { createPerf } from ${JSON.stringify(dist)}
    let release
    const released = new Promise(r => { release = r })
    ${prelude}
    const perf = await createPerf()
    ${body}
    await perf.run('wait', async () => {
      console.log('ready')
      const t = setTimeout(() => {}, 30000)
      await released
      clearTimeout(t)
    })
    await perf.close()`)
  const child = spawn(process.execPath, ['main.mjs'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  child.stderr.on('data', (d: Buffer) => { stderr += d })
  await new Promise<void>(ready => child.stdout.on('data', (d: Buffer) => { stdout += d; if (stdout.includes('ready')) ready() }))
  child.kill(signal)
  const [code, killedBy] = await new Promise<[number | null, string | null]>(done => child.on('exit', (c, s) => done([c, s])))
  const file = join(dir, '.perf/history.jsonl')
  const history = existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean).map(l => JSON.parse(l) as Line) : []
  return { code, killedBy, stdout, stderr, history }
}

describe('signals with listeners of the host', { timeout: 60_000 }, () => {
  it.skipIf(!signalExit).each(['SIGINT', 'SIGTERM'] as const)("%s with signal-exit loaded (ora, execa, …): the process dies of it, recorded once (it ignored the signal)", async (signal) => {
    const r = await run(signal, `
      const { createRequire } = await import('node:module')
      const { onExit } = createRequire(import.meta.url)(${JSON.stringify(signalExit)})
      onExit((code, sig) => { console.log('signal-exit saw ' + sig) })`)
    expect(r.killedBy ?? r.code, r.stderr).toBe(signal)
    expect(r.stdout).toContain(`signal-exit saw ${signal}`)
    expect(r.history).toHaveLength(1)
    expect(r.history[0]!.exitCode).toBe(signal === 'SIGINT' ? 130 : 143)
    expect(r.history[0]!.commands).toMatchObject([{ name: 'wait', status: 'error', error: { name: 'ExitError' } }])
  })

  it.skipIf(!signalExit)('signal-exit loaded after unperf: the same', async () => {
    const r = await run('SIGINT', '', `
      const { createRequire } = await import('node:module')
      createRequire(import.meta.url)(${JSON.stringify(signalExit)}).onExit(() => {})`)
    expect(r.killedBy ?? r.code, r.stderr).toBe('SIGINT')
    expect(r.history).toHaveLength(1)
    expect(r.history[0]!.exitCode).toBe(130)
  })

  // Windows: libuv has no kill(2) there, the re-raise of the signal throws ENOSYS
  it.each([['SIGINT', 130], ['SIGTERM', 143], ['SIGHUP', 129]] as const)('%s where re-raising it throws ENOSYS (Windows): exits with %i, the report written, no uncaught error', async (signal, code) => {
    const r = await run(signal, `
      const kill = process.kill.bind(process)
      process.kill = (pid, sig) => {
        if (pid !== process.pid) return kill(pid, sig)
        throw Object.assign(new Error('kill ENOSYS'), { code: 'ENOSYS', errno: -38, syscall: 'kill' })
      }`)
    expect(r.code, r.stderr).toBe(code)
    expect(r.stderr).not.toContain('ENOSYS')
    expect(r.history).toHaveLength(1)
    expect(r.history[0]!.exitCode).toBe(code)
    expect(r.history[0]!.commands).toMatchObject([{ name: 'wait', status: 'error', error: { name: 'ExitError' } }])
  })

  it("a host listener that cancels the work and lets the command end: the command's real end and the host's exit code (it was an ExitError at the signal)", async () => {
    const r = await run('SIGINT', `process.on('SIGINT', () => { console.log('cancelled'); process.exitCode = 130; release() })`)
    expect(r.code, r.stderr).toBe(130)
    expect(r.stdout).toContain('cancelled')
    expect(r.history).toHaveLength(1)
    expect(r.history[0]!.exitCode).toBe(130)
    expect(r.history[0]!.commands).toEqual([expect.objectContaining({ name: 'wait', status: 'ok' })])
  })

  it("a host listener that cleans up, then exits with a code of its own: that code (it was 143 at the signal)", async () => {
    const r = await run('SIGTERM', `process.on('SIGTERM', () => { setTimeout(() => process.exit(7), 50) })`)
    expect(r.code, r.stderr).toBe(7)
    expect(r.history).toHaveLength(1)
    expect(r.history[0]!.exitCode).toBe(7)
    expect(r.history[0]!.commands).toMatchObject([{ name: 'wait', status: 'error', error: { name: 'ExitError' } }])
  })
})
