/**
 * A history.jsonl that is there but cannot be read (a directory in its place): `unperf report` and
 * `unperf cache stats` said "no runs recorded" and nothing else, as for a project
 * never run. Now one warning names the file and why. The real CLI (dist) as a child process.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { expect, it } from 'vitest'
import { tempDir } from '../helpers/tmp.js'
import { unperf } from '../helpers/unperf-cli.js'

it('unperf report and cache stats: a directory where history.jsonl should be is named', () => {
  const dir = tempDir('unperf-report-unreadable-')
  mkdirSync(join(dir, '.perf/history.jsonl'), { recursive: true, mode: 0o700 })
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'unreadable-history', version: '1.0.0', type: 'module' }))
  writeFileSync(join(dir, 'perf.config.json'), JSON.stringify({ report: { console: false, dir: '.perf' } }))
  const said = `[unperf] the run history ${join(dir, '.perf/history.jsonl')} cannot be read (a directory, expected a history.jsonl file)`
  for (const args of [['report'], ['report', '--json'], ['cache', 'stats']]) {
    const r = unperf(dir, ...args)
    expect(r.stderr, args.join(' ')).toContain(said)
    expect(r.stderr.split(said)).toHaveLength(2)
    expect(r.stderr).not.toMatch(/TypeError|    at /)
  }
  expect(unperf(dir, 'report').code).toBe(0)
})
