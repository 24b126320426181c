/**
 * `unperf bench` like hyperfine: --prepare runs before every run of the command (warm-ups and the
 * first timed run included), once for all commands or once per command, and bad option values, an unreadable --baseline or an export path that
 * cannot be written are usage errors (exit 2) found before anything is benchmarked.
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { tempDir } from '../helpers/tmp.js'
import { unperf } from '../helpers/unperf-cli.js'


describe('unperf bench', () => {
  it('--prepare runs before each warm-up and each timed run, the first one included; --runs N is N timed runs', () => {
    const dir = tempDir('unperf-bench-prepare-')
    const fixed = unperf(dir, 'bench', '--warmup', '2', '--runs', '3', '--prepare', 'printf p >> log', 'printf c >> log', '--json')
    expect(fixed.code, fixed.stderr).toBe(0)
    expect(readFileSync(join(dir, 'log'), 'utf8')).toBe('pc'.repeat(5))
    expect(fixed.json().results[0].times).toHaveLength(3)
    // without --runs the first timed run also decides how many fit in 3 s: it was not prepared
    writeFileSync(join(dir, 'log'), '')
    const auto = unperf(dir, 'bench', '--warmup', '1', '--prepare', 'printf p >> log', 'printf c >> log; sleep 0.3', '--json')
    expect(auto.code, auto.stderr).toBe(0)
    const runs = auto.json().results[0].times.length as number
    expect(readFileSync(join(dir, 'log'), 'utf8')).toBe('pc'.repeat(runs + 1))
  })

  it('--prepare given once per command, like hyperfine: each command gets its own (the same command twice too); another count exits 2', () => {
    const dir = tempDir('unperf-bench-prepare-each-')
    const r = unperf(dir, 'bench', '--warmup', '1', '--runs', '2', '--prepare', 'printf a >> log', '--prepare=printf b >> log', 'printf 1 >> log', 'printf 1 >> log', '--json')
    expect(r.code, r.stderr).toBe(0)
    // before, citty kept the last --prepare alone: 'b1b1b1b1b1b1', a never ran
    expect(readFileSync(join(dir, 'log'), 'utf8')).toBe('a1'.repeat(3) + 'b1'.repeat(3))
    writeFileSync(join(dir, 'log'), '')
    const wrong = unperf(dir, 'bench', '--prepare', 'printf a >> log', '--prepare', 'printf b >> log', 'printf 1 >> log', '--json')
    expect(wrong.code).toBe(2)
    expect(wrong.json().error.message).toContain('--prepare is given 2 times for 1 command: give it once (run before every command) or once per command')
    expect(readFileSync(join(dir, 'log'), 'utf8')).toBe('') // nothing was run
  })

  it('export files go into directories made as needed', () => {
    const dir = tempDir('unperf-bench-export-')
    const r = unperf(dir, 'bench', '--runs', '2', '--warmup', '0', '--export-json', 'out/a/b.json', '--export-markdown', 'out/b.md', '--save-baseline', 'base/x.json', 'true')
    expect(r.code, r.stderr).toBe(0)
    expect(JSON.parse(readFileSync(join(dir, 'out/a/b.json'), 'utf8')).results[0].command).toBe('true')
    expect(readFileSync(join(dir, 'out/b.md'), 'utf8')).toContain('| Command |')
    expect(JSON.parse(readFileSync(join(dir, 'base/x.json'), 'utf8')).results).toHaveLength(1)
  })

  it('a bad --warmup or --runs, or a --baseline that cannot be used, exits 2 before benchmarking', () => {
    const dir = tempDir('unperf-bench-usage-')
    for (const args of [['--warmup', 'x'], ['--warmup', '-1'], ['--runs', '0'], ['--runs', '1.5'], ['--runs', 'many'], ['--baseline', 'missing.json']]) {
      const r = unperf(dir, 'bench', ...args, 'printf c >> ran', '--json')
      expect(r.code, args.join(' ')).toBe(2)
      expect(r.json().error.name, args.join(' ')).toBe('UsageError')
      expect(r.json().error.message, args.join(' ')).toContain(args[0])
    }
    // an export path that cannot be written is found before the benchmark, not after it
    const toDir = unperf(dir, 'bench', '--export-json', dir, 'printf c >> ran', '--json')
    expect(toDir.code).toBe(2)
    expect(toDir.json().error.message).toContain(`--export-json ${dir}: cannot be written: it is a directory`)
    writeFileSync(join(dir, 'bad.json'), '{"not":"a baseline"}')
    const bad = unperf(dir, 'bench', '--baseline', 'bad.json', 'printf c >> ran')
    expect(bad.code).toBe(2)
    expect(bad.stderr).toContain('bad.json: expected the JSON of --save-baseline')
    expect(() => readFileSync(join(dir, 'ran'))).toThrow() // nothing was run
  })
})
