/**
 * API.md's `unperf/vitest` (reporter) and `unperf tests flaky|slow`, `unperf shard` reading its
 * history, with vitest 4 as a user installs it beside the packed package.
 */
import { spawnSync } from 'node:child_process'
import { rmSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { consumerProject, packedTarball, runIn, unperfIn } from './_packed.js'

let project: string

beforeAll(() => {
  project = consumerProject({
    'vitest.config.ts': `import { defineConfig } from 'vitest/config'\nexport default defineConfig({ test: { include: ['test/**/*.test.ts'], reporters: ['default', 'unperf/vitest'] } })`,
    'test/fast.test.ts': `import { expect, it } from 'vitest'\nit('adds', () => { expect(1 + 1).toBe(2) })`,
    'test/slow.test.ts': `import { expect, it } from 'vitest'\nit('waits', async () => { await new Promise(r => setTimeout(r, 200)); expect(true).toBe(true) })`,
  })
}, 600_000)

describe('unperf/vitest', () => {
  it("as a reporter records the run; unperf tests slow|flaky and unperf shard read it", () => {
    const run = runIn(project, process.execPath, [join(project, 'node_modules/vitest/vitest.mjs'), 'run'], { CI: '' })
    expect(run.code, run.stderr + run.stdout).toBe(0)
    const slow = unperfIn(project, ['tests', 'slow', '--json'])
    expect(slow.code, slow.stderr).toBe(0)
    expect(slow.json()).toMatchObject({ runs: 1 })
    expect(slow.json().tests.map((t: { name: string }) => t.name).sort()).toEqual(['adds', 'waits'])
    expect(unperfIn(project, ['tests', 'flaky', '--json']).json()).toMatchObject({ runs: 1, flaky: [] })
    const shards = [1, 2].map(index => unperfIn(project, ['shard', '--total', '2', '--index', String(index), '--json']).json().files)
    expect(shards.flat().sort()).toEqual(['test/fast.test.ts', 'test/slow.test.ts'])
    expect(shards.map(files => files.length)).toEqual([1, 1])
  }, 180_000)
})

describe('the peer range', () => {
  // vitest is an optional peer: npm refuses (ERESOLVE) to install unperf at all in a project on a
  // vitest outside the range, whether or not it uses unperf/vitest. It was '>=2.1': a CLI whose tests
  // run on vitest 1 could not install unperf; the reporter itself refuses 1.x and 2.0 with one line
  // (test/vitest/vitest1.test.ts), the run going on
  it('lets npm install the package in a project on vitest 1', () => {
    const host = consumerProject({}, { devDependencies: { vitest: '^1.6.0' } })
    rmSync(join(host, 'node_modules'), { recursive: true })
    const r = spawnSync('npm', ['install', packedTarball(), '--dry-run', '--prefer-offline', '--no-audit', '--no-fund'], { cwd: host, encoding: 'utf8', timeout: 120_000 })
    expect(`${r.stderr}`).not.toMatch(/ERESOLVE/)
    expect(r.status, r.stderr).toBe(0)
  }, 300_000)
})
