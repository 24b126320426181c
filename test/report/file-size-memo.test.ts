/**
 * `budgets.files` compressed every file again at each judgement: a run of a host CLI in its own
 * project paid 1.4–1.7 s at its exit for one 740 kB bundle with brotli (session 33's budgets audit).
 * The compressed sizes are remembered per file (file-size-memo.ts) while its dev, inode, size, mtime
 * and ctime stay those recorded. The evidence that a size was reused, not measured again, is a size
 * planted in the memo coming back as the file's size (no timing, no mock).
 */
import { spawnSync } from 'node:child_process'
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { brotliCompressSync, constants, gzipSync } from 'node:zlib'
import { beforeAll, describe, expect, it } from 'vitest'
import { BASE, projectWith } from '../helpers/project.js'
import { unperf } from '../helpers/unperf-cli.js'

const dist = join(import.meta.dirname, '../../dist/index.mjs')

/** Text that compresses, though not to nothing: lines of counters and words. */
function text(seed: number, bytes: number): string {
  let out = ''
  for (let i = 0; out.length < bytes; i++) out += `line ${i * seed} ${((i * 2654435761) >>> 0).toString(36)} ${i % 7 === 0 ? 'export const' : 'let'} x${i % 97};\n`
  return out.slice(0, bytes)
}
const brotli = (s: string) => brotliCompressSync(s, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length
const gzip = (s: string) => gzipSync(s, { level: 9 }).length

const CONFIG = `export default { ${BASE}, budgets: { files: [{ path: 'dist/*.js', limit: '1MB', compression: 'brotli' }, { path: 'dist/a.js', limit: '1MB', compression: 'gzip' }] } }`
const A = text(3, 40_000)
const B = text(5, 25_000)

interface Result { budget: string; status: string; actual: number }
const actuals = (dir: string) => {
  const r = unperf(dir, 'budget', '--json')
  expect(r.code, r.stderr).toBe(0)
  return (r.json() as { budgets: Result[] }).budgets.map(b => b.actual)
}
const memoPath = (dir: string) => {
  const memoDir = join(dir, '.xdg/unperf/file-size-v1')
  return join(memoDir, readdirSync(memoDir)[0]!)
}
type Memo = { files: Record<string, [string, number, number | null, number | null]> }
const readMemo = (dir: string) => JSON.parse(readFileSync(memoPath(dir), 'utf8')) as Memo
/** The memo with these sizes put in place of the measured ones (its file kept: same mode, owner). */
function plant(dir: string, sizes: Record<string, [number | null, number | null]>) {
  const memo = readMemo(dir)
  for (const [file, [g, b]] of Object.entries(sizes)) memo.files[join(dir, file)]!.splice(2, 2, g, b)
  writeFileSync(memoPath(dir), JSON.stringify(memo))
}

describe('budgets.files: compressed sizes remembered while the files are unchanged', { timeout: 60_000 }, () => {
  const dirs: string[] = []
  beforeAll(async () => {
    for (let i = 0; i < 4; i++) dirs.push(projectWith(CONFIG, { 'dist/a.js': A, 'dist/b.js': B }))
    // a size recorded within 2 s of its file's last change is not trusted (an edit in the same tick keeps the stat)
    await new Promise(r => setTimeout(r, 2100))
  })

  it('judged twice, unchanged: compressed once (the recorded size is what the second judgement gives)', () => {
    const dir = dirs[0]!
    expect(actuals(dir)).toEqual([brotli(A) + brotli(B), gzip(A)])
    const memo = readMemo(dir)
    expect(memo.files[join(dir, 'dist/a.js')]!.slice(2)).toEqual([gzip(A), brotli(A)])
    expect(memo.files[join(dir, 'dist/b.js')]!.slice(2)).toEqual([null, brotli(B)])
    plant(dir, { 'dist/a.js': [111, 1000], 'dist/b.js': [null, 20] })
    const planted = statSync(memoPath(dir)).mtimeMs
    expect(actuals(dir)).toEqual([1020, 111])
    // every size reused: the memo is not written again
    expect(statSync(memoPath(dir)).mtimeMs).toBe(planted)
  })

  it('a file changed in place with the same size (mtime and ctime differ) is compressed again; the others are not', () => {
    const dir = dirs[1]!
    actuals(dir)
    plant(dir, { 'dist/a.js': [111, 1000], 'dist/b.js': [null, 20] })
    const changed = text(7, A.length)
    expect(changed.length).toBe(A.length)
    writeFileSync(join(dir, 'dist/a.js'), changed)
    expect(actuals(dir)).toEqual([brotli(changed) + 20, gzip(changed)])
    expect(readMemo(dir).files[join(dir, 'dist/a.js')]!.slice(2)).toEqual([gzip(changed), brotli(changed)])
  })

  it('a corrupt memo is a miss: measured again, and the memo rewritten whole', () => {
    const dir = dirs[2]!
    actuals(dir)
    for (const damaged of ['{"v":1,"files":{', JSON.stringify({ v: 1, zlib: process.versions.zlib, brotli: process.versions.brotli, files: { [join(dir, 'dist/a.js')]: ['x', 'y', -1, {}] } })]) {
      writeFileSync(memoPath(dir), damaged)
      expect(actuals(dir)).toEqual([brotli(A) + brotli(B), gzip(A)])
      expect(readMemo(dir).files[join(dir, 'dist/a.js')]!.slice(2)).toEqual([gzip(A), brotli(A)])
    }
  })

  it("a run judging its own budgets at its exit uses the same memo (the host CLI's run in its own project)", () => {
    const dir = dirs[3]!
    actuals(dir)
    plant(dir, { 'dist/a.js': [111, 1000], 'dist/b.js': [null, 20] })
    writeFileSync(join(dir, 'app.mjs'), `import { createPerf } from ${JSON.stringify(dist)}\nconst perf = await createPerf()\nawait perf.run('go', async () => {})\nawait perf.close()\n`)
    const app = spawnSync(process.execPath, ['app.mjs'], { cwd: dir, encoding: 'utf8', env: { ...process.env, XDG_CACHE_HOME: join(dir, '.xdg') } })
    expect(app.status, app.stderr).toBe(0)
    const report = JSON.parse(readFileSync(join(dir, '.perf/report.json'), 'utf8')) as { budgets: Result[] }
    expect(report.budgets.filter(b => b.budget.startsWith('budgets.files')).map(b => b.actual)).toEqual([1020, 111])
  })
})
