/**
 * `-` as a file name is stdout, as hyperfine's `--export-markdown -` (hyperfine #615; #640: printed
 * once, after the results): `unperf bench --export-markdown -` wrote a file named `-` in the cwd.
 * The same for --export-json and `unperf report --html -` (the page alone on stdout). With --json,
 * stdout carries that one document: `-` is then bad usage (exit 2), naming the option.
 */
import { existsSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { tempDir } from '../helpers/tmp.js'
import { unperf } from '../helpers/unperf-cli.js'

describe("'-' as an export file is stdout", () => {
  it('bench --export-markdown - prints the table after the results, and writes no file named -', () => {
    const dir = tempDir('unperf-export-stdout-')
    const r = unperf(dir, 'bench', '--runs', '2', '--warmup', '0', '--export-markdown', '-', 'true')
    expect(r.code).toBe(0)
    expect(existsSync(join(dir, '-'))).toBe(false)
    const table = r.stdout.indexOf('| Command |')
    expect(table).toBeGreaterThan(r.stdout.indexOf('Benchmark: true'))
    expect(r.stdout.match(/\| Command \|/g)).toHaveLength(1)
    expect(r.stdout.trimEnd().split('\n').at(-1)).toMatch(/^\| `true` \|/)

    const json = unperf(dir, 'bench', '--runs', '2', '--warmup', '0', '--export-json', '-', 'true')
    expect(json.code).toBe(0)
    expect(existsSync(join(dir, '-'))).toBe(false)
    const doc = JSON.parse(json.stdout.slice(json.stdout.lastIndexOf('\n{\n') + 1)) as { results: Array<{ command: string }> }
    expect(doc.results[0]!.command).toBe('true')
  })

  it("with --json, '-' is bad usage (exit 2) naming the option, before any run", () => {
    const dir = tempDir('unperf-export-stdout-json-')
    const r = unperf(dir, 'bench', '--runs', '2', '--json', '--export-markdown', '-', 'true')
    expect(r.code).toBe(2)
    expect(r.stderr + r.stdout).toContain('--export-markdown -: stdout carries the --json document')
    expect(existsSync(join(dir, '-'))).toBe(false)
  })

  it('report --html - prints the page alone', () => {
    const dir = tempDir('unperf-report-html-stdout-')
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'html-stdout', version: '1.0.0', type: 'module' }))
    const r = unperf(dir, 'report', '--html', '-')
    expect(r.code).toBe(0)
    expect(r.stdout.trimStart().toLowerCase()).toMatch(/^<!doctype html>/)
    expect(r.stdout.trimEnd()).toMatch(/<\/html>$/)
    expect(existsSync(join(dir, '-'))).toBe(false)
    expect(unperf(dir, 'report', '--html', '-', '--json').code).toBe(2)
  })
})
