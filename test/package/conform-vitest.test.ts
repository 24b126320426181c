/**
 * API.md's `unperf/vitest` (reporter) and `unperf tests flaky|slow`, `unperf shard` reading its
 * history, with vitest 4 as a user installs it beside the packed package.
 */
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { consumerProject, runIn, unperfIn } from './_packed.js'

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
