/**
 * The vitest reporter wrote tests.jsonl into report.dir with O_NOFOLLOW but without the dir safety
 * check the run's own report gets (fs-safety.ts dirUnsafeSync): into a shared cache home someone
 * else made first, their planted lines would be trusted by `unperf tests` and `unperf shard`. Now
 * refused with one warning, as the report is. Real vitest runs (child processes).
 */
import { chmodSync, existsSync, mkdirSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { tempDir } from '../helpers/tmp.js'
import { bundle, runVitest, tempProject, writeFiles } from './_project.js'

let project: string
beforeAll(async () => {
  project = tempProject({
    'test/one.test.js': `import { expect, it } from 'vitest'\nit('works', () => { expect(1).toBe(1) })\n`,
    'vitest.config.mjs': `import { join } from 'node:path'
const dir = process.env.HISTORY_DIR
export default { test: { include: ['test/**/*.test.js'], reporters: ['default', [join(import.meta.dirname, 'reporter.mjs'), dir ? { dir } : {}]] } }
`,
  })
  writeFiles(project, { 'package.json': JSON.stringify({ name: 'acme-tests', type: 'module', private: true }) })
  await bundle(join(project, 'reporter.mjs'), { file: 'src/vitest/index.ts' })
}, 60_000)

/** Every file under `dir`, relative. */
const files = (dir: string) => readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter(n => statSync(join(dir, n)).isFile())

describe.runIf(typeof process.getuid === 'function')('the vitest reporter and a report dir someone else could write to', () => {
  it('a world-writable cache root (a shared XDG_CACHE_HOME): tests.jsonl not written, one warning', () => {
    const xdg = tempDir('unperf-vitest-xdg-')
    mkdirSync(join(xdg, 'acme-tests'))
    chmodSync(join(xdg, 'acme-tests'), 0o777)
    const r = runVitest(project, 'vitest.config.mjs', { XDG_CACHE_HOME: xdg })
    expect(r.status, r.stderr).toBe(0)
    expect(r.stderr.match(/\[unperf\] vitest reporter: test history not recorded: refusing the report dir .*acme-tests: it is writable by everyone \(mode 777\)/g)).toHaveLength(1)
    expect(files(xdg).filter(f => f.endsWith('tests.jsonl'))).toEqual([])
  }, 120_000)

  it('the same root of the user\'s own, private: tests.jsonl written, no warning', () => {
    const xdg = tempDir('unperf-vitest-xdg-')
    const r = runVitest(project, 'vitest.config.mjs', { XDG_CACHE_HOME: xdg })
    expect(r.status, r.stderr).toBe(0)
    expect(r.stderr).not.toContain('[unperf]')
    expect(files(xdg).filter(f => f.endsWith('tests.jsonl'))).toHaveLength(1)
  }, 120_000)

  it('a dir of the user\'s own given as `dir`, only its mode open (made by hand under umask 002): made 0700 and written, as the report dir', () => {
    const dir = join(tempDir('unperf-vitest-dir-'), 'history')
    mkdirSync(dir)
    chmodSync(dir, 0o775)
    const r = runVitest(project, 'vitest.config.mjs', { HISTORY_DIR: dir, XDG_CACHE_HOME: tempDir('unperf-vitest-xdg-') })
    expect(r.status, r.stderr).toBe(0)
    expect(r.stderr).not.toContain('[unperf]')
    expect(statSync(dir).mode & 0o777).toBe(0o700)
    expect(existsSync(join(dir, 'tests.jsonl'))).toBe(true)
  }, 120_000)
})
