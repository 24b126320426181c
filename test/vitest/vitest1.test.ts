/**
 * vitest 1.x with the reporter: refused with one line, nothing recorded, as docs/vitest.md says of
 * versions before 2.1 (their results are read wrong). vitest 1 has no `vitest.version`, which the
 * reporter took for a version it could not read, given the benefit of the doubt: vitest 1.6.1's runs
 * were recorded, and nothing said. A real vitest 1.6.1 installed (npm, from its cache when it has it).
 */
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { appWithVitest, bundle, childEnv, writeFiles } from './_project.js'

let app: string
let output: { code: number | null; text: string }

beforeAll(async () => {
  app = appWithVitest('1.6.1')
  writeFiles(app, {
    'vitest.config.mjs': `import { join } from 'node:path'\nexport default { test: { include: ['test/**/*.test.js'], reporters: ['default', [join(import.meta.dirname, 'reporter.mjs'), { dir: process.env.HISTORY_DIR, history: 20 }]] } }\n`,
    'test/a.test.js': `import { it } from 'vitest'\nit('a', () => {})\n`,
  })
  await bundle(join(app, 'reporter.mjs'), { file: 'src/vitest/index.ts' })
  const r = spawnSync(process.execPath, [join(app, 'node_modules/vitest/vitest.mjs'), 'run', '--config', 'vitest.config.mjs'],
    { cwd: app, env: childEnv({ HISTORY_DIR: join(app, 'history') }), encoding: 'utf8', timeout: 120_000 })
  output = { code: r.status, text: r.stdout + r.stderr }
}, 300_000)

describe('vitest 1.x', () => {
  it('is refused with one line naming its version; the run goes on and nothing is recorded', () => {
    expect(output.code, output.text).toBe(0)
    expect(output.text.match(/\[unperf\].*/g)).toEqual([expect.stringContaining('test history not recorded: vitest 1.6.1 is not supported (unperf/vitest needs vitest >= 2.1')])
    expect(existsSync(join(app, 'history', 'tests.jsonl'))).toBe(false)
  })
})
