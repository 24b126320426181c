/**
 * `unperf shard` before any run is recorded (a fresh clone, the first CI pipeline, a reporter just
 * added): it said "add the unperf/vitest reporter to balance by duration" to a project whose vitest
 * config already has it. It says no durations are recorded yet and how the files are split
 * meanwhile. Its description (`--help`) writes the command a shell runs: `npx vitest run $(npx unperf shard …)`.
 */
import { spawnSync } from 'node:child_process'
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { expect, it } from 'vitest'
import { tempDir } from '../helpers/tmp.js'

const bin = join(import.meta.dirname, '../../bin/unperf.mjs')
const shard = (cwd: string, ...args: string[]) => spawnSync(process.execPath, [bin, 'shard', ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } })

it('with no recorded run: no durations yet, files split evenly by count in path order (no "add the reporter")', () => {
  const dir = tempDir('unperf-shard-no-history-')
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'shard-no-history', version: '1.0.0', type: 'module' }))
  writeFileSync(join(dir, 'vitest.config.mjs'), `export default { test: { reporters: ['default', 'unperf/vitest'] } }\n`)
  mkdirSync(join(dir, 'test'))
  for (const f of ['a', 'b', 'c', 'd', 'e']) writeFileSync(join(dir, 'test', `${f}.test.ts`), '')
  const r = shard(dir, '--total', '2', '--index', '1', '--dir', '.unperf')
  expect(r.status, r.stderr).toBe(0)
  expect(r.stdout.trim()).toBe('test/a.test.ts test/c.test.ts test/e.test.ts')
  expect(r.stderr).not.toMatch(/add the/)
  expect(r.stderr).toContain(`no test durations recorded in ${join(dir, '.unperf', 'tests.jsonl')} yet: until a vitest run with the unperf/vitest reporter records them, the files are split evenly by count, in path order`)
  // a history dir refused (writable by everyone): said above, and nothing about "recorded yet"
  mkdirSync(join(dir, 'open'))
  chmodSync(join(dir, 'open'), 0o777)
  const refused = shard(dir, '--total', '2', '--index', '1', '--dir', 'open')
  expect(refused.stdout.trim()).toBe('test/a.test.ts test/c.test.ts test/e.test.ts')
  expect(refused.stderr).toMatch(/not reading the test history dir .*open: it is writable by everyone/)
  expect(refused.stderr).toContain('no history read (see above): the files are split evenly by count, in path order')
})

it("--help's description writes the command as a shell runs it (npx)", () => {
  const r = shard(tempDir('unperf-shard-help-'), '--help')
  expect(r.stdout).toContain('(npx vitest run $(npx unperf shard --total 4 --index 1))')
})
