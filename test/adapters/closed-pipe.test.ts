import { spawn, spawnSync } from 'node:child_process'
import { copyFileSync, cpSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { tempDir } from '../helpers/tmp.js'

// `cli lines | head -1`: the reader goes away after the first line while most of the output is
// still queued (output to a pipe is asynchronous). The run's report must record the code the
// process really exits with: 1 when the EPIPE is left to node, what the host decides otherwise.
const repo = resolve(import.meta.dirname, '../..')
const built = existsSync(join(repo, 'dist/citty.mjs')) && existsSync(join(repo, 'dist/commander.mjs'))
const dist = join(import.meta.dirname, `.dist-closed-pipe-${process.pid}`)
beforeAll(() => { if (built) cpSync(join(repo, 'dist'), dist, { recursive: true }) })
afterAll(() => rmSync(dist, { recursive: true, force: true }))

/**
 * Runs `cli <command>`, reading its stdout up to the first line, then closing the pipe as `head -1`
 * does; `both`: stderr too, as `cli 2>&1 | head -1` does (then stdin ends: `one` finishes then);
 * `readAll`: reads every line instead (`lines` counts them).
 */
async function intoHead(env: Record<string, string>, { command = 'lines', both = false, console = false as false | 'summary', readAll = false, warm = false } = {}) {
  const dir = tempDir('unperf-closed-pipe-')
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'pipe-host', version: '1.0.0', type: 'module' }))
  writeFileSync(join(dir, 'perf.config.json'), JSON.stringify({ report: { dir: join(dir, 'reports'), console } }))
  copyFileSync(join(import.meta.dirname, 'fixtures', 'pipe-cli.mjs'), join(dir, 'cli.mjs'))
  const childEnv = { ...process.env, UNPERF_REPO: repo, UNPERF_DIST: dist, XDG_CACHE_HOME: join(dir, 'xdg'), NO_COLOR: '1', PERF_ENV: 'production', NODE_ENV: '', ...env }
  // `warm`: a run before, so this one takes the fast path (the first loads the config through c12)
  if (warm) spawnSync(process.execPath, [join(dir, 'cli.mjs'), command], { cwd: dir, stdio: 'ignore', env: childEnv })
  const child = spawn(process.execPath, [join(dir, 'cli.mjs'), command], { cwd: dir, stdio: ['pipe', 'pipe', 'pipe'], env: childEnv })
  let first = ''
  let stderr = ''
  child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString() })
  let lines = 0
  child.stdout.on('data', (chunk: Buffer) => {
    if (readAll) {
      lines += chunk.toString().split('\n').length - 1
      return
    }
    first += chunk.toString()
    if (!first.includes('\n') || child.stdout.destroyed) return
    child.stdout.destroy()
    if (both) child.stderr.destroy()
    child.stdin.end()
  })
  const code = await new Promise<number | null>(done => child.on('close', done))
  const history = readFileSync(join(dir, 'reports', 'history.jsonl'), 'utf8').split('\n').filter(Boolean)
    .map(l => JSON.parse(l) as { exitCode?: number; commands: Array<{ name: string; status: string }> })
  const report = JSON.parse(readFileSync(join(dir, 'reports', 'report.json'), 'utf8')) as { exitCode?: number }
  return { code, first: first.split('\n')[0], lines, stderr, history, report }
}

for (const adapter of ['commander', 'citty']) {
  describe.skipIf(!built)(`a closed pipe on stdout: ${adapter}`, { timeout: 120_000 }, () => {
    it("an EPIPE left to node: exit 1, and the report and history say 1 (they said 0)", async () => {
      const r = await intoHead({ ADAPTER: adapter })
      expect(r.first).toBe('line 0')
      expect(r.stderr).toContain('EPIPE')
      expect(r.code).toBe(1)
      expect(r.history).toHaveLength(1)
      expect(r.history[0]!.commands.map(c => c.name)).toEqual(['lines'])
      expect(r.history[0]!.exitCode).toBe(1)
      expect(r.report.exitCode).toBe(1)
    })

    it('a host listener that exits 0 on EPIPE: exit 0, recorded as 0', async () => {
      const r = await intoHead({ ADAPTER: adapter, ON_EPIPE: 'exit0' })
      expect(r.code, r.stderr).toBe(0)
      expect(r.history).toHaveLength(1)
      expect(r.history[0]!.exitCode).toBe(0)
      expect(r.history[0]!.commands[0]!.status).toBe('ok')
    })

    it('a host listener that swallows the error: the run closes as usual, exit 0, one history line', async () => {
      const r = await intoHead({ ADAPTER: adapter, ON_EPIPE: 'ignore' })
      expect(r.code, r.stderr).toBe(0)
      expect(r.history).toHaveLength(1)
      expect(r.history[0]!.exitCode).toBe(0)
    })

    it('a CLI that ends stdout itself, read to the end: every line delivered, exit 0 (no write after its end)', async () => {
      const r = await intoHead({ ADAPTER: adapter, END_STDOUT: '1' }, { readAll: true })
      expect(r.stderr).not.toMatch(/ERR_STREAM_WRITE_AFTER_END|Error/)
      expect(r.code, r.stderr).toBe(0)
      expect(r.lines).toBe(100_000)
      expect(r.history).toHaveLength(1)
      expect(r.history[0]!.exitCode).toBe(0)
    })

    it('a command that printed nothing: no stdout or stderr stream is made at close to look for queued output (a few ms each)', async () => {
      const r = await intoHead({ ADAPTER: adapter, PROBE_STDIO: '1' }, { command: 'silent', readAll: true, warm: true })
      expect(r.code, r.stderr).toBe(0)
      expect(r.stderr).toContain('stdio pipes: 0')
      expect(r.history.map(h => h.exitCode)).toEqual([0, 0])
    })

    it("`cli 2>&1 | head -1`: unperf's summary, written after the reader left, ends no successful run (it exited 1 of the EPIPE)", async () => {
      const r = await intoHead({ ADAPTER: adapter }, { command: 'one', both: true, console: 'summary' })
      expect(r.first).toBe('line 0')
      expect(r.code).toBe(0)
      expect(r.history).toHaveLength(1)
      expect(r.history[0]!.commands.map(c => `${c.name} ${c.status}`)).toEqual(['one ok'])
      expect(r.history[0]!.exitCode).toBe(0)
    })
  })
}
