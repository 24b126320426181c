import { execFileSync } from 'node:child_process'
import { appendFileSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { ResolvedPerfConfig } from '../../src/config/types.js'
import { appendHistory, encodeLine, gitSha, HISTORY_ERROR_CHARS, historyEntry, parseLines, readHistory, readHistoryFile, type HistoryEntry } from '../../src/runtime/report/history.js'
import { mergeHistories } from '../../src/runtime/report/history-driver.js'
import { setHistoryExitCode } from '../../src/runtime/report/exit-code-rewrite.js'
import { readNewestHistory } from '../../src/runtime/report/history-tail.js'
import { lockHolder } from '../../src/runtime/lock-file.js'
import type { PerfReport } from '../../src/runtime/types.js'
import { tempDir } from '../helpers/tmp.js'
import { bundle, run } from './_child.js'

const hasJq = (() => {
  try { execFileSync('jq', ['--version'], { stdio: 'ignore' }); return true } catch { return false }
})()
const config = (dir: string, history = 100) => ({ report: { dir, history } }) as unknown as ResolvedPerfConfig
const entry = (i: number, command = 'build'): HistoryEntry => ({
  v: 1, time: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString(), runId: `run${i}`, pid: 1, name: 'acme', version: '1.0.0', env: 'test',
  commands: [{ name: command, duration: i, memoryPeak: 1, status: 'ok' }], cache: { hitRate: 0, lookups: 0 }, peakRss: 1, budgetsFailed: [],
})

describe('history.jsonl', () => {
  it('each line is plain JSON (JSON Lines: one object per line, what `jq` and any JSONL reader take)', () => {
    const dir = join(tempDir(), 'reports')
    appendHistory(config(dir), entry(1))
    appendHistory(config(dir), entry(2))
    const lines = readFileSync(join(dir, 'history.jsonl'), 'utf8').split('\n')
    expect(lines.pop()).toBe('')
    expect(lines.map(line => JSON.parse(line) as unknown)).toEqual([entry(1), entry(2)])
    expect(encodeLine(entry(3))).toBe(`${JSON.stringify(entry(3))}\n`)
  })

  it.skipIf(!hasJq)('jq reads it as the docs show (`tail -1 history.jsonl | jq .`, a filter over the whole file)', () => {
    const dir = tempDir()
    for (let i = 0; i < 3; i++) appendHistory(config(dir), { ...entry(i), ...(i === 1 && { exitCode: 2 }) })
    const file = join(dir, 'history.jsonl')
    const last = execFileSync('sh', ['-c', 'tail -1 "$1" | jq -c .', 'sh', file], { encoding: 'utf8' })
    expect(JSON.parse(last)).toEqual(entry(2))
    expect(execFileSync('jq', ['-c', 'select((.exitCode // 0) != 0) | .runId', file], { encoding: 'utf8' })).toBe('"run1"\n')
  })

  it('torn, run-together, foreign and garbage lines are skipped on read', () => {
    const good = [encodeLine(entry(1)), encodeLine(entry(2)), encodeLine(entry(3))]
    const torn = good[2]!.slice(0, 40)
    const runTogether = good[0]!.slice(0, 30) + good[1]!
    const text = good[0]! + torn + '\n' + 'not a line\n' + runTogether + '{"v":1,"runId":"forged","commands":[]}\n' + '\u0000\u0000\n' + '[1]\nnull\n' + good[2]!
    // the line holding run 1's start and run 2 is skipped whole: never a run made of both
    expect(parseLines(text).map(e => e.runId)).toEqual(['run1', 'run3'])
  })

  it('two processes\' writes mixed at any byte (an append inside another, one written over another) never read as another run', () => {
    const a = entry(1)
    a.commands.push({ name: 'lint', duration: 3, memoryPeak: 1, status: 'error', error: { name: 'Error', message: '{"v":1,"x":[]} "quoted"' } })
    const b = entry(2)
    const [lineA, lineB] = [encodeLine(a), encodeLine(b)]
    const exact = (e: HistoryEntry) => JSON.stringify(e) === JSON.stringify(a) || JSON.stringify(e) === JSON.stringify(b)
    for (let k = 0; k <= lineA.length; k++) {
      for (const mixed of [
        lineA.slice(0, k) + lineB + lineA.slice(k), // B's write landed inside A's (a network file system)
        lineA.slice(0, k) + lineB.slice(0, -1) + lineA.slice(k), // ... without its newline
        lineA.slice(0, k) + lineB + lineA.slice(k + lineB.length), // B written over A from byte k
      ]) {
        const read = parseLines(mixed)
        expect(read.filter(e => !exact(e)), mixed).toEqual([])
      }
    }
  })

  it('a line of another shape is skipped where a run is judged, and read (then named, cli/history-check.ts) by the CLI', () => {
    const foreign = '{"v":1,"time":"2026-01-01T00:00:09.000Z","runId":"x","commands":[null]}\n'
    const text = encodeLine(entry(1)) + foreign + '{"v":1,"time":"t","runId":"y","commands":[{"name":"build","duration":"1","status":"ok"}]}\n' + encodeLine(entry(2))
    expect(parseLines(text).map(e => e.runId)).toEqual(['run1', 'run2'])
    expect(parseLines(text, true).map(e => e.runId)).toEqual(['run1', 'x', 'y', 'run2'])
    const cfg = config(tempDir())
    writeFileSync(join(cfg.report.dir, 'history.jsonl'), text)
    expect(readNewestHistory(cfg, { commands: ['build'], runs: 51 }).entries.map(e => e.runId)).toEqual(['run1', 'run2'])
  })

  it('reads lines written by earlier versions (length or hash prefix); the rewrite to the cap makes them plain JSON', () => {
    const json = (i: number) => JSON.stringify(entry(i))
    const lengthPrefixed = (i: number) => `${json(i).length.toString(36)} ${json(i)}\n`
    expect(parseLines(`0123456789abcdef ${json(7)}\n`).map(e => e.runId)).toEqual(['run7'])
    // a prefixed line cut short or resized is still told by its prefix
    const text = lengthPrefixed(1) + lengthPrefixed(2).slice(0, 60) + '\n' + lengthPrefixed(3).replace('"duration":3', '"duration":30') + `0123456789abcdef ${json(4)}\n` + encodeLine(entry(5))
    expect(parseLines(text).map(e => e.runId)).toEqual(['run1', 'run4', 'run5'])
    const dir = tempDir()
    const file = join(dir, 'history.jsonl')
    // 15 lines: the next append passes the cap's limit (5 + 10) and rewrites the file
    writeFileSync(file, Array.from({ length: 15 }, (_, i) => lengthPrefixed(i)).join(''))
    expect(readHistory(config(dir, 5)).map(e => e.runId)).toEqual(['run10', 'run11', 'run12', 'run13', 'run14'])
    appendHistory(config(dir, 5), entry(15))
    expect(readHistory(config(dir, 5)).map(e => e.runId)).toEqual(['run11', 'run12', 'run13', 'run14', 'run15'])
    expect(readFileSync(file, 'utf8')).toBe([11, 12, 13, 14, 15].map(i => `${json(i)}\n`).join(''))
  })

  it('appends one line per run, reads the last `history` runs, rewrites the file only past history + max(10, history/2), dir 0700 and file 0600', () => {
    const dir = join(tempDir(), 'reports')
    for (let i = 0; i < 12; i++) appendHistory(config(dir, 5), entry(i, i % 2 ? 'lint' : 'build'))
    const all = readHistory(config(dir, 5))
    expect(all.map(e => e.runId)).toEqual(['run7', 'run8', 'run9', 'run10', 'run11'])
    expect(readHistory(config(dir, 5), { command: 'lint' }).map(e => e.runId)).toEqual(['run7', 'run9', 'run11'])
    expect(readHistoryFile(config(dir, 5)).lines).toBe(12)
    for (let i = 12; i < 16; i++) appendHistory(config(dir, 5), entry(i), readHistoryFile(config(dir, 5)))
    // 16 lines > 5 + 10: rewritten to the last 5
    expect(readHistoryFile(config(dir, 5)).lines).toBe(5)
    expect(readHistory(config(dir, 5)).map(e => e.runId)).toEqual(['run11', 'run12', 'run13', 'run14', 'run15'])
    expect(statSync(dir).mode & 0o777).toBe(0o700)
    expect(statSync(join(dir, 'history.jsonl')).mode & 0o777).toBe(0o600)
  })

  it('reads nothing from a missing file, and skips garbage appended by something else', () => {
    const dir = tempDir()
    expect(readHistory(config(join(dir, 'none')))).toEqual([])
    appendHistory(config(dir), entry(1))
    appendFileSync(join(dir, 'history.jsonl'), '{"v":1,"runId":"forged"}\n\u0000\u0000\n')
    appendHistory(config(dir), entry(2))
    expect(readHistory(config(dir)).map(e => e.runId)).toEqual(['run1', 'run2'])
  })

  it('a line cut short at the end of the file (a full disk, a truncation) does not take the next run with it', () => {
    const dir = tempDir()
    const file = join(dir, 'history.jsonl')
    appendHistory(config(dir), entry(1))
    appendHistory(config(dir), entry(2))
    writeFileSync(file, readFileSync(file, 'utf8').slice(0, -20))
    // as the exit path does it (from what it read), and without a read before
    appendHistory(config(dir), entry(3), readHistoryFile(config(dir)))
    writeFileSync(file, readFileSync(file, 'utf8').slice(0, -20))
    appendHistory(config(dir), entry(4))
    appendHistory(config(dir), entry(5), readHistoryFile(config(dir)))
    expect(readHistory(config(dir)).map(e => e.runId)).toEqual(['run1', 'run4', 'run5'])
  })

  it("sets one run's exit code (the code its process exited with after the line was written): the other lines byte for byte, the file 0600", () => {
    const dir = join(tempDir(), 'reports')
    for (let i = 0; i < 4; i++) appendHistory(config(dir), entry(i))
    const file = join(dir, 'history.jsonl')
    const before = readFileSync(file, 'utf8').split('\n')
    expect(setHistoryExitCode(file, 'run1', 5)).toBe(true)
    const after = readFileSync(file, 'utf8').split('\n')
    expect(after).toHaveLength(before.length)
    expect(after.filter((line, i) => line !== before[i])).toHaveLength(1)
    expect(readHistory(config(dir)).map(e => e.exitCode)).toEqual([undefined, 5, undefined, undefined])
    expect(statSync(file).mode & 0o777).toBe(0o600)
    // again, to another code; a run that is not there (capped away): nothing written
    expect(setHistoryExitCode(file, 'run1', 0)).toBe(true)
    expect(setHistoryExitCode(file, 'run9', 3)).toBe(false)
    expect(readHistory(config(dir)).map(e => e.exitCode)).toEqual([undefined, 0, undefined, undefined])
  })

  it('an exit code rewrite while another process holds the lock past 1 s: the file is not replaced (lines appended meanwhile would be lost), said on stderr', () => {
    const dir = tempDir()
    for (let i = 0; i < 3; i++) appendHistory(config(dir), entry(i))
    const file = join(dir, 'history.jsonl')
    // a live holder (this process), fresh: neither gone nor stale
    writeFileSync(`${file}.lock`, lockHolder())
    const inode = statSync(file).ino
    const err = process.stderr.write
    let said = ''
    process.stderr.write = ((s: string) => { said += s; return true }) as typeof process.stderr.write
    try {
      expect(setHistoryExitCode(file, 'run1', 5)).toBe(false)
    } finally {
      process.stderr.write = err
    }
    // the holder appends meanwhile (as appendHistory does under the lock): its line stays
    appendFileSync(file, encodeLine(entry(3)))
    expect(statSync(file).ino).toBe(inode)
    expect(readHistory(config(dir)).map(e => [e.runId, e.exitCode])).toEqual([['run0', undefined], ['run1', undefined], ['run2', undefined], ['run3', undefined]])
    expect(said).toContain('the exit code 5 of this run is not recorded')
  })

  it('takes over a lock left by a crashed process once it is stale', () => {
    const dir = tempDir()
    const lock = join(dir, 'history.jsonl.lock')
    writeFileSync(lock, '')
    const old = new Date(Date.now() - 60_000)
    execFileSync('touch', ['-d', old.toISOString(), lock])
    appendHistory(config(dir), entry(1))
    expect(readHistory(config(dir)).map(e => e.runId)).toEqual(['run1'])
    expect(() => statSync(lock)).toThrow()
  })

  it('merges local and shared history by run id, oldest first, capped', () => {
    const merged = mergeHistories([entry(1), entry(3)], [entry(2), entry(3), entry(4)], 3)
    expect(merged.map(e => e.runId)).toEqual(['run2', 'run3', 'run4'])
  })

  it('reads the git commit from .git files without spawning git (branch ref and packed ref)', () => {
    const dir = tempDir()
    const sha = 'a'.repeat(40)
    mkdirSync(join(dir, '.git/refs/heads'), { recursive: true })
    writeFileSync(join(dir, '.git/HEAD'), 'ref: refs/heads/main\n')
    writeFileSync(join(dir, '.git/refs/heads/main'), `${sha}\n`)
    mkdirSync(join(dir, 'packages/x'), { recursive: true })
    expect(gitSha(join(dir, 'packages/x'))).toBe(sha)
    writeFileSync(join(dir, '.git/HEAD'), 'ref: refs/heads/packed\n')
    writeFileSync(join(dir, '.git/packed-refs'), `# pack-refs\n${'b'.repeat(40)} refs/heads/packed\n`)
    expect(gitSha(dir)).toBe('b'.repeat(40))
  })
})

describe("a history line's commands", () => {
  it("a failed command keeps its error's name and message (cut to HISTORY_ERROR_CHARS); a successful one has none", () => {
    const long = 'x'.repeat(1000)
    const report = {
      endedAt: '2026-01-01T00:00:00.000Z', pid: 1, name: 'n', version: '1', env: 'production', startup: { total: 1, phases: [] },
      commands: [
        { name: 'ok', status: 'ok', start: 0, duration: 1, memoryDelta: 0, memoryPeak: 1 },
        { name: 'crash', status: 'error', start: 0, duration: 1, memoryDelta: 0, memoryPeak: 1, error: { name: 'TypeError', message: 'boom' } },
        { name: 'long', status: 'error', start: 0, duration: 1, memoryDelta: 0, memoryPeak: 1, error: { name: 'Error', message: long } },
      ],
      cache: { hits: 0, misses: 0, hitRate: 0 }, memory: { peakRss: 1 }, budgets: [],
    } as unknown as PerfReport
    const [ok, crash, cut] = historyEntry(report).commands
    expect(ok).not.toHaveProperty('error')
    expect(crash!.error).toEqual({ name: 'TypeError', message: 'boom' })
    expect(cut!.error!.message).toHaveLength(HISTORY_ERROR_CHARS)
    expect(cut!.error!.message.endsWith('…')).toBe(true)
  })
})

describe('history.jsonl with many processes exiting at once (real child processes)', () => {
  async function race(cap: number) {
    const dir = tempDir()
    const file = await bundle('./fixtures/appender.ts')
    const procs = Array.from({ length: 8 }, () => run(file, [dir, String(cap), '50']))
    await new Promise(r => setTimeout(r, 300))
    writeFileSync(join(dir, 'go'), '')
    const results = await Promise.all(procs)
    for (const r of results) expect(r.stderr).toBe('')
    expect(results.map(r => r.code)).toEqual(Array(8).fill(0))
    const text = readFileSync(join(dir, 'history.jsonl'), 'utf8')
    const lines = text.split('\n').filter(Boolean)
    return { lines, entries: parseLines(text) }
  }

  it('8 processes × 50 appends: no lost and no torn line', async () => {
    const { lines, entries } = await race(1000)
    expect(lines).toHaveLength(400)
    expect(entries).toHaveLength(400)
    expect(new Set(entries.map(e => e.runId)).size).toBe(400)
    const perPid = new Map<number, number[]>()
    for (const e of entries) perPid.set(e.pid, [...(perPid.get(e.pid) ?? []), e.commands[0]!.duration])
    expect(perPid.size).toBe(8)
    for (const durations of perPid.values()) expect(durations).toEqual(Array.from({ length: 50 }, (_, i) => i))
  }, 60_000)

  it('8 processes × 50 appends with history: 100: the file keeps 100 to 150 of the newest lines, all valid', async () => {
    const { lines, entries } = await race(100)
    // rewritten to the last 100 only when it holds 150 (one rewrite per ~50 runs, not one per run)
    expect(lines.length).toBeGreaterThanOrEqual(100)
    expect(lines.length).toBeLessThanOrEqual(150)
    expect(entries).toHaveLength(lines.length)
    // the newest lines in append order: what is left of each process is the tail of its 50 runs
    for (const pid of new Set(entries.map(e => e.pid))) {
      const kept = entries.filter(e => e.pid === pid).map(e => e.commands[0]!.duration)
      expect(kept).toEqual(Array.from({ length: kept.length }, (_, i) => 50 - kept.length + i))
    }
  }, 60_000)
})

describe('what the exit path reads of the history', () => {
  /** A deterministic pseudo-random history: several commands, failures, durations that drift, garbage lines. */
  function history(seed: number, runs: number): { text: string; commands: string[] } {
    let s = seed
    const rand = () => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31)
    const commands = ['build', 'lint', 'test', 'deploy']
    let text = ''
    for (let i = 0; i < runs; i++) {
      const e = entry(i, commands[Math.floor(rand() * (seed % 5 === 0 ? 4 : 1 + (seed % 2)))])
      e.commands[0]!.duration = 50 + rand() * 20 + (rand() < 0.05 ? 200 : 0)
      if (rand() < 0.1) e.commands[0]!.status = 'error'
      if (rand() < 0.1) e.commands.push({ name: 'lint', duration: 10 + rand() * 5, memoryPeak: 1, status: 'ok' })
      text += encodeLine(e)
      if (rand() < 0.03) text += 'garbage line\n'
    }
    return { text, commands }
  }

  it('judges a run exactly as the whole history does (regressions over the newest runs of its commands), reading less of it', async () => {
    const { evaluateBudgets, historyNeeded } = await import('../../src/runtime/report/budgets.js')
    const { reportConfig, runState, command } = await import('./_state.js')
    const { buildReport } = await import('../../src/runtime/report/finalize.js')
    let fewer = 0
    for (let seed = 1; seed <= 48; seed++) {
      const dir = tempDir()
      // long histories (seeds 41-48: 2 000-3 400 runs, `report.history` 10 000 or 1 000) are read from their tail
      const cap = seed > 40 ? (seed % 2 ? 10_000 : 1_000) : seed % 7 === 0 ? 30 : 100 + (seed % 3) * 50
      const cfg = reportConfig(dir, { report: { history: cap } })
      const { text } = history(seed, seed > 40 ? 2000 + (seed - 41) * 200 : 30 + seed * 7)
      mkdirSync(cfg.report.dir, { recursive: true })
      writeFileSync(join(cfg.report.dir, 'history.jsonl'), text)
      const ran = seed % 3 === 0 ? [command('build', 95), command('lint', 12)] : seed % 8 === 0 ? [command('deploy', 60)] : [command('build', 60 + seed)]
      const report = buildReport(runState(cfg, ran))
      const need = historyNeeded(report, cfg)
      expect(need).not.toBe('all')
      const all = readHistoryFile(cfg)
      const newest = readNewestHistory(cfg, need as Exclude<typeof need, 'all'>)
      // exact when the whole file was read, else estimated from the tail's lines
      expect(Math.abs(newest.lines - all.lines)).toBeLessThanOrEqual(all.lines * 0.15)
      expect(newest.torn).toBe(all.torn)
      expect(evaluateBudgets(report, cfg, newest.entries)).toEqual(evaluateBudgets(report, cfg, all.entries))
      // the newest runs are the whole history's own tail
      expect(newest.entries).toEqual(all.entries.slice(all.entries.length - newest.entries.length))
      if (newest.entries.length < all.entries.length) fewer++
    }
    // a CLI with one or two commands and a long history: most of it is left unparsed
    expect(fewer).toBeGreaterThan(8)
  })

  it('the tail read decodes each line it judges on its own: runs with multi-byte text, a broken UTF-8 sequence and CRLF read as the whole file reads them', () => {
    const cfg = { report: { dir: tempDir(), history: 100 } } as unknown as ResolvedPerfConfig
    const file = join(cfg.report.dir, 'history.jsonl')
    const runs = Array.from({ length: 60 }, (_, i) => {
      const e = entry(i)
      e.commands[0]!.name = i % 2 ? 'build' : 'bâtir 🚀'
      if (i % 5 === 0) e.commands[0]!.error = { name: 'Error', message: `échec ${'é'.repeat(i)} 😀` }
      return e
    })
    const lines = runs.map(encodeLine)
    // a line with a UTF-8 sequence cut in two (U+FFFD on read: still JSON, still a run), one ending in CRLF
    const at = lines[55]!.indexOf('échec') + 5
    const broken = Buffer.concat([Buffer.from(lines[55]!.slice(0, at)), Buffer.from([0xe2, 0x82]), Buffer.from(lines[55]!.slice(at))])
    lines[58] = lines[58]!.replace(/\n$/, '\r\n')
    writeFileSync(file, Buffer.concat(lines.map((l, i) => i === 55 ? broken : Buffer.from(l))))
    const all = readHistoryFile(cfg)
    expect(all.entries.find(e => e.runId === 'run55')?.commands[0]!.error!.message).toMatch(/^échec\uFFFD/)
    for (const commands of [['build'], ['bâtir 🚀'], ['build', 'bâtir 🚀']]) {
      const newest = readNewestHistory(cfg, { commands, runs: 3 })
      expect(newest.entries.length).toBeGreaterThan(2)
      expect(newest.entries).toEqual(all.entries.slice(all.entries.length - newest.entries.length))
    }
    expect(all.entries.map(e => e.runId)).toContain('run58')
  })

  it('reads a run whose line is longer than the tail it starts with, and a file cut short in its last line', () => {
    const cfg = { report: { dir: tempDir(), history: 100 } } as unknown as ResolvedPerfConfig
    const big = entry(2)
    // a service's run: 2 000 commands in one line (≈ 150 kB)
    for (let i = 0; i < 2000; i++) big.commands.push({ name: `request ${i}`, duration: i, memoryPeak: 1, status: 'ok' })
    const file = join(cfg.report.dir, 'history.jsonl')
    writeFileSync(file, encodeLine(entry(1)) + encodeLine(big) + encodeLine(entry(3)).slice(0, 30))
    const read = readNewestHistory(cfg, { commands: ['build'], runs: 51 })
    expect(read.entries.map(e => e.runId)).toEqual(['run1', 'run2'])
    expect(read).toMatchObject({ found: true, torn: true, lines: 2 })
    expect(readNewestHistory({ report: { dir: join(cfg.report.dir, 'none'), history: 100 } } as unknown as ResolvedPerfConfig, { commands: [], runs: 0 }))
      .toEqual({ entries: [], lines: 0, found: false, torn: false })
  })

  it('a history near its cap is still rewritten to the last `report.history` runs when the exit path only read its tail', () => {
    const cfg = { report: { dir: tempDir(), history: 1000 } } as unknown as ResolvedPerfConfig
    const file = join(cfg.report.dir, 'history.jsonl')
    writeFileSync(file, Array.from({ length: 1499 }, (_, i) => encodeLine(entry(i))).join(''))
    for (let i = 1499; i < 1502; i++) appendHistory(cfg, entry(i), readNewestHistory(cfg, { commands: ['build'], runs: 51 }))
    // 1 500 lines = 1 000 + 500: the next append rewrote the file
    const lines = readFileSync(file, 'utf8').split('\n').filter(Boolean)
    expect(lines.length).toBeLessThanOrEqual(1002)
    expect(readHistory(cfg).at(-1)!.runId).toBe('run1501')
  })

  it('reads the whole history when a command that ran has a p95 budget, and none when no command succeeded', async () => {
    const { historyNeeded } = await import('../../src/runtime/report/budgets.js')
    const { reportConfig, runState, command } = await import('./_state.js')
    const { buildReport } = await import('../../src/runtime/report/finalize.js')
    const cfg = reportConfig(tempDir(), { budgets: { commands: { build: { p95: '1s' } } } })
    expect(historyNeeded(buildReport(runState(cfg, [command('build', 10)])), cfg)).toBe('all')
    expect(historyNeeded(buildReport(runState(cfg, [command('lint', 10)])), cfg)).toEqual({ commands: ['lint'], runs: 51 })
    expect(historyNeeded(buildReport(runState(cfg, [command('lint', 10, { status: 'error' })])), cfg)).toEqual({ commands: [], runs: 51 })
    const off = reportConfig(tempDir(), { budgets: { regressions: false } })
    expect(historyNeeded(buildReport(runState(off, [command('lint', 10)])), off)).toEqual({ commands: [], runs: 0 })
  })
})
