/**
 * Long work said nothing: `unperf cache verify` over 20 000 entries ran 10 s on a busy machine with
 * no output until the end (the developers' guide: progress on long work). `cache info|list|clear|
 * prune|verify` and `bench` (from its first step: the shell spawn time, warm-ups) now draw one status line on stderr, on a terminal only: a spinner, what
 * is being done (the namespace, n of N) and the time so far, or a bar; erased before the result, so
 * stdout and pipes get exactly what they got before. The terminal is a real pseudo-terminal
 * (util-linux `script`), the CLI the real binary.
 */
import { spawnSync } from 'node:child_process'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { createProgress, progressBar } from '../../src/cli/progress.js'
import { tempDir } from '../helpers/tmp.js'
import { bin, unperf } from '../helpers/unperf-cli.js'

const dist = join(import.meta.dirname, '../../dist/index.mjs')
const hasScript = spawnSync('script', ['--version'], { encoding: 'utf8' }).status === 0

/** What a terminal is sent: a stream that keeps every write. */
function terminal(columns = 80) {
  const writes: string[] = []
  return { isTTY: true, columns, write: (text: string) => writes.push(text), writes }
}

/** A project with `n` entries in its default namespace and one in `templates`. */
function project(n: number): string {
  const dir = tempDir('unperf-progress-')
  mkdirSync(join(dir, 'node_modules'))
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'progress-fixture', version: '1.0.0', type: 'module' }))
  writeFileSync(join(dir, 'perf.config.json'), JSON.stringify({ cache: { driver: 'fs', namespaces: { templates: { ttl: '1h' } } }, report: { console: false } }))
  writeFileSync(join(dir, 'fill.mjs'), `
    import { createPerf } from ${JSON.stringify(dist)}
    const perf = await createPerf()
    await perf.cache.setMany(Array.from({ length: ${n} }, (_, i) => ['k' + i, { i }]))
    await perf.cache.namespace('templates').set('t', 'x')
    await perf.close()`)
  const r = spawnSync(process.execPath, ['fill.mjs'], { cwd: dir, encoding: 'utf8', env: { ...process.env, XDG_CACHE_HOME: join(dir, '.xdg') } })
  expect(r.status, r.stderr).toBe(0)
  return dir
}

/** `sh -c command` on a pseudo-terminal (stdin, stdout and stderr all on it): everything the terminal got. */
function onTerminal(cwd: string, command: string): { code: number | null; screen: string } {
  const r = spawnSync('script', ['-qec', command, '/dev/null'], {
    cwd, encoding: 'utf8', timeout: 60_000,
    env: { ...process.env, NO_COLOR: '1', XDG_CACHE_HOME: join(cwd, '.xdg'), UNPERF_PROGRESS_DELAY: '0' },
  })
  return { code: r.status, screen: r.stdout }
}

describe('the progress line (a terminal stream)', () => {
  it('draws a spinner, the label, a bar with done/total and the time; clear() erases it', () => {
    const t = terminal()
    const p = createProgress(t, 0)
    p.set("reading 'default'", 5, 20)
    expect(t.writes).toHaveLength(1)
    expect(t.writes[0]).toMatch(/^\r⠋ reading 'default' \[█{6}░{18}\] 5\/20 {2}\S+ (µs|ms)\x1b\[K$/)
    p.clear()
    expect(t.writes.at(-1)).toBe('\r\x1b[K')
    p.end()
    p.set('after the end', 1, 2)
    expect(t.writes).toHaveLength(2)
  })

  it('nothing before a label is set (the confirmation prompt of cache clear is not drawn over), nothing off a terminal', () => {
    const t = terminal()
    const p = createProgress(t, 0)
    p.clear()
    expect(t.writes).toEqual([])
    p.end()
    const pipe = { isTTY: false, write: (text: string) => t.writes.push(text) }
    const q = createProgress(pipe, 0)
    q.set('verifying', 1, 2)
    q.end()
    expect(t.writes).toEqual([])
  })

  it("times the work from its first step: cache clear's confirmation before it is not counted", () => {
    const t = terminal()
    const p = createProgress(t, 0)
    // the user answering the question (on a real terminal: 2.85 s showed as 'listing namespaces  2.85 s')
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 300)
    p.set('listing namespaces')
    p.end()
    expect(t.writes[0]).toMatch(/^\r⠋ listing namespaces {2}\S+ (µs|ms)\x1b\[K$/)
    expect(Number(t.writes[0]!.match(/ ([\d.]+) (µs|ms)/)![1]) * (t.writes[0]!.includes('µs') ? 0.001 : 1)).toBeLessThan(300)
  })

  it('nothing before the delay: quick work does not flicker', () => {
    const t = terminal()
    const p = createProgress(t, 60_000)
    p.set('verifying', 1, 2)
    p.end()
    expect(t.writes).toEqual([])
  })

  it('one line, never wrapped (a wrapped line is not erased by \\r): cut to the terminal width', () => {
    const t = terminal(40)
    const p = createProgress(t, 0)
    p.set(`verifying '${'n'.repeat(100)}'`)
    p.end()
    const line = t.writes[0]!.replace('\r', '').replace('\x1b[K', '')
    expect([...line]).toHaveLength(39)
    expect(line.endsWith('…')).toBe(true)
  })

  it('progressBar: empty, half, full, and never past its width', () => {
    expect(progressBar(0, 4, 4)).toBe('[░░░░]')
    expect(progressBar(2, 4, 4)).toBe('[██░░]')
    expect(progressBar(4, 4, 4)).toBe('[████]')
    expect(progressBar(9, 4, 4)).toBe('[████]')
    expect(progressBar(0, 0, 4)).toBe('[░░░░]')
  })
})

describe.skipIf(!hasScript)('unperf cache on a terminal (util-linux script; skipped without it)', () => {
  it('verify: the line names the namespace, n of N, and is erased before the result', () => {
    const dir = project(200)
    const { code, screen } = onTerminal(dir, `${JSON.stringify(process.execPath)} ${JSON.stringify(bin)} cache verify`)
    expect(code).toBe(0)
    expect(screen).toMatch(/verifying 'default' \(namespace 1 of \d\)/)
    expect(screen).toMatch(/verifying 'templates' \(namespace \d of \d\)/)
    // the result starts a clean line: the status line was erased right before it
    expect(screen).toMatch(/\r\x1b\[K✔ 201 entries checked, none corrupt/)
  })

  it('list: a bar over the keys of a namespace; --json on stdout stays one JSON document', () => {
    const dir = project(50)
    const { code, screen } = onTerminal(dir, `${JSON.stringify(process.execPath)} ${JSON.stringify(bin)} cache list --json > list.json`)
    expect(code).toBe(0)
    expect(screen).toMatch(/reading 'default' \[[█░]+\] \d+\/50/)
    const rows = JSON.parse(readFileSync(join(dir, 'list.json'), 'utf8')) as { key: string }[]
    expect(rows).toHaveLength(51)
  })
})

describe.skipIf(!hasScript)('unperf doctor on a terminal', () => {
  it('says which Redis it is asking (a closed port here), its password redacted', async () => {
    const { createServer } = await import('node:net')
    // a port nothing listens on: taken, then freed
    const port = await new Promise<number>(resolve => { const s = createServer().listen(0, '127.0.0.1', () => { const p = (s.address() as { port: number }).port; s.close(() => resolve(p)) }) })
    const dir = tempDir('unperf-progress-doctor-')
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'progress-doctor', version: '1.0.0' }))
    writeFileSync(join(dir, 'perf.config.json'), JSON.stringify({ cache: { driver: ['memory', { driver: 'redis', url: `redis://ci:hunter2@127.0.0.1:${port}` }] }, report: { console: false } }))
    const { code, screen } = onTerminal(dir, `${JSON.stringify(process.execPath)} ${JSON.stringify(bin)} doctor`)
    expect(code).toBe(1)
    expect(screen).toContain(`asking redis at redis://ci:***@127.0.0.1:${port} (cache.driver[1])`)
    expect(screen).not.toContain('hunter2')
    expect(screen).toMatch(/\r\x1b\[K✔ node/)
  })
})

describe.skipIf(!hasScript)('unperf bench on a terminal', () => {
  it('the progress line from the start: the shell spawn time, each warm-up, then the first run (before, nothing until run 1 had ended)', () => {
    // (without --runs the first run says 'first run': how many runs fit in 3 s is known after it)
    const dir = tempDir('unperf-progress-bench-')
    const { code, screen } = onTerminal(dir, `${JSON.stringify(process.execPath)} ${JSON.stringify(bin)} bench --warmup 1 --runs 2 'sleep 0.4'`)
    expect(code, screen).toBe(0)
    expect(screen).toContain('measuring the shell spawn time')
    expect(screen).toMatch(/sleep 0\.4: warm-up \[░{24}\] 0\/1/)
    expect(screen).toMatch(/sleep 0\.4 \[░{24}\] 0\/2/)
    // erased before the results
    expect(screen).toMatch(/\r\x1b\[KBenchmark: sleep 0\.4/)
  })
})

describe('unperf cache off a terminal', () => {
  it('pipes get no progress: stderr empty, stdout the result alone', () => {
    const dir = project(50)
    for (const args of [['cache', 'verify'], ['cache', 'list', '--json'], ['cache', 'prune'], ['cache', 'info']]) {
      const r = unperf(dir, ...args)
      expect(r.code, args.join(' ')).toBe(0)
      expect(r.stderr, args.join(' ')).toBe('')
      expect(r.stdout, args.join(' ')).not.toMatch(/[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏]|\x1b\[K/)
    }
  })
})
