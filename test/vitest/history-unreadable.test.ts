/**
 * tests.jsonl that cannot be read (a directory in its place): `unperf tests slow|flaky` and
 * `unperf shard` ended with exit 1 and Node's `EISDIR: illegal operation on a directory, read`,
 * naming no file; a CI shard job was lost to it. Now it is left out as no history, with one warning
 * naming the file and why; `shard` still splits the files. The real CLI, a real directory.
 */
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { bundleCommand, runNode, tempProject } from './_project.js'

let project: string
let tests: string
let shard: string
const dir = () => join(project, '.unperf')

beforeAll(async () => {
  project = tempProject({
    'package.json': JSON.stringify({ name: 'unreadable-history', version: '1.0.0', type: 'module' }),
    'test/a.test.ts': '', 'test/b.test.ts': '', 'test/c.test.ts': '',
  })
  tests = await bundleCommand(project, 'tests')
  shard = await bundleCommand(project, 'shard')
  mkdirSync(join(dir(), 'tests.jsonl'), { recursive: true, mode: 0o700 })
}, 120_000)

const said = (stderr: string) => expect(stderr).toContain(`[unperf] the test history ${join(dir(), 'tests.jsonl')} cannot be read (a directory, expected a tests.jsonl file)`)

describe('a directory where tests.jsonl should be', () => {
  it.each([['slow'], ['flaky']])('unperf tests %s: no history, one warning naming the file, exit 0', (command) => {
    const r = runNode(project, tests, [command, '--dir', dir()])
    expect(r.status, r.stderr).toBe(0)
    said(r.stderr)
    expect(r.stderr).not.toContain('EISDIR')
  })

  it('unperf shard: the files split without history, one warning naming the file, exit 0', () => {
    const r = runNode(project, shard, ['--total', '2', '--index', '1', '--dir', dir()])
    expect(r.status, r.stderr).toBe(0)
    said(r.stderr)
    const two = runNode(project, shard, ['--total', '2', '--index', '2', '--dir', dir()])
    expect([...r.stdout.trim().split(' '), ...two.stdout.trim().split(' ')].sort()).toEqual(['test/a.test.ts', 'test/b.test.ts', 'test/c.test.ts'])
  })
})
