/**
 * history.jsonl's cap rewrite paused mid-way (a process stopped or starved after reading the file,
 * before its rename): another process's exit waits 5 s for the lock, then appends its line without
 * it. The paused rewrite then renamed its copy, made before that line, over the file: the run was
 * lost. The rewrite now carries over what was appended to the file it read (read through its own
 * descriptor, after its copy and after its rename). Real processes: the rewriter is SIGSTOPped once
 * it has read the whole file (/proc/<pid>/io), the other closes meanwhile, then the rewriter goes on.
 */
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { once } from 'node:events'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { tempDir } from '../helpers/tmp.js'

const dist = join(import.meta.dirname, '../../dist/index.mjs')
const canWatchIo = process.platform === 'linux' && existsSync('/proc/self/io')

const readChars = (pid: number): number => Number(/rchar: (\d+)/.exec(readFileSync(`/proc/${pid}/io`, 'utf8'))?.[1] ?? 0)

describe.skipIf(!canWatchIo)('history.jsonl: a cap rewrite paused after its read', () => {
  it('keeps the line another process appended without the lock meanwhile', async () => {
    const dir = tempDir('unperf-history-paused-')
    const reportDir = join(dir, 'perf')
    mkdirSync(join(dir, 'node_modules'))
    mkdirSync(reportDir)
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'paused', version: '1.0.0', type: 'module' }))
    writeFileSync(join(dir, 'perf.config.mjs'), `export default { cache: { enabled: false }, report: { console: false, history: 5, dir: ${JSON.stringify(reportDir)} } }`)
    writeFileSync(join(dir, 'app.mjs'), `import { createPerf } from ${JSON.stringify(dist)}
const perf = await createPerf()
await perf.run(process.argv[2], () => {})
await perf.close()`)
    // ~40 MB of earlier runs: reading and splitting it takes the rewriter long enough to be caught after its read
    const line = JSON.stringify({ v: 1, time: new Date(0).toISOString(), runId: 'old', pid: 1, name: 'paused', version: '1.0.0', env: 'production', commands: [], pad: 'x'.repeat(300) }) + '\n'
    const env = { ...process.env, XDG_CACHE_HOME: join(dir, '.xdg') }
    expect(spawnSync(process.execPath, ['app.mjs', 'warm'], { cwd: dir, env, timeout: 60_000 }).status).toBe(0) // the config snapshot, so both start warm
    writeFileSync(join(reportDir, 'history.jsonl'), line.repeat(120_000))
    const size = statSync(join(reportDir, 'history.jsonl')).size

    const rewriter = spawn(process.execPath, ['app.mjs', 'rewriter-run'], { cwd: dir, env, stdio: 'ignore' })
    const lock = join(reportDir, 'history.jsonl.lock')
    const deadline = Date.now() + 30_000
    // the bytes it had read before it took the lock (sampled just before the lock was seen)
    let start = 0
    while (Date.now() < deadline) {
      const read = readChars(rewriter.pid!)
      if (existsSync(lock)) break
      start = read
    }
    expect(existsSync(lock)).toBe(true)
    // then its read of the whole file under the lock (it splits the text next, before its rename)
    while (readChars(rewriter.pid!) - start < size && Date.now() < deadline) { /* reading */ }
    process.kill(rewriter.pid!, 'SIGSTOP')
    try {
      // waits 5 s for the lock the stopped rewriter holds, then appends without it
      const other = spawnSync(process.execPath, ['app.mjs', 'other-run'], { cwd: dir, env, encoding: 'utf8', timeout: 60_000 })
      expect(other.status, other.stderr).toBe(0)
    } finally {
      process.kill(rewriter.pid!, 'SIGCONT')
    }
    const [code] = await once(rewriter, 'exit') as [number | null]
    expect(code).toBe(0)
    const names = readFileSync(join(reportDir, 'history.jsonl'), 'utf8').split('\n').filter(Boolean)
      .flatMap(l => (JSON.parse(l) as { commands: { name: string }[] }).commands.map(c => c.name))
    expect(names).toContain('rewriter-run')
    expect(names).toContain('other-run')
  }, 90_000)
})
