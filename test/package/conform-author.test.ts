/**
 * The README's tour as a CLI author follows it, against the packed package: `src/cli.ts` compiled by
 * the user's own `tsc`. A tsconfig without "include" or "outDir" (what `tsc --init` writes) compiles
 * `perf.config.ts` too, to a `perf.config.js` beside it, which c12 loads first: every later edit of
 * perf.config.ts changed nothing, without a word (found by following the tour in a fresh project).
 */
import { spawnSync } from 'node:child_process'
import { existsSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { consumerProject, nodeIn, packedModules, unperfIn } from './_packed.js'

const root = join(import.meta.dirname, '../..')

// the tour's src/cli.ts, with resolveDeps and render of its own, printing what perf resolved
const CLI = `import { fileURLToPath } from 'node:url'
import { createPerf } from 'unperf'

const resolveDeps = async () => ({ deps: 3 })
const render = async (graph: { deps: number }) => graph.deps

const perf = await createPerf({ rootDir: fileURLToPath(new URL('..', import.meta.url)) })
await perf.run('build', async () => {
  const graph = await perf.cache.wrap('deps-graph', () => resolveDeps(), { files: ['package-lock.json'] })
  await perf.span('render', () => render(graph))
})
console.log(JSON.stringify({ ttl: perf.config.cache.ttl }))
await perf.close()
`

const config = (ttl: string) => `import { definePerfConfig } from 'unperf/config'\nexport default definePerfConfig({ cache: { driver: 'fs', ttl: '${ttl}' }, report: { console: false } })\n`

function tsc(dir: string, tsconfig: Record<string, unknown>) {
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify(tsconfig))
  const r = spawnSync(process.execPath, [join(packedModules(), 'typescript/bin/tsc'), '-p', 'tsconfig.json'], { cwd: dir, encoding: 'utf8', timeout: 120_000 })
  expect(`${r.stdout}${r.stderr}`).toBe('')
  expect(r.status).toBe(0)
}

const compilerOptions = { module: 'nodenext', target: 'es2022', strict: true, skipLibCheck: true, types: ['node'], typeRoots: [join(root, 'node_modules/@types')] }

describe('the tour: src/cli.ts compiled by tsc', () => {
  it("a tsc over the whole project (perf.config.js beside perf.config.ts) is refused, naming both; with the docs' tsconfig, edits of perf.config.ts apply", () => {
    const dir = consumerProject({ 'perf.config.ts': config('1d'), 'src/cli.ts': CLI })
    // what `tsc --init` gives: no include, no outDir
    tsc(dir, { compilerOptions })
    expect(existsSync(join(dir, 'perf.config.js'))).toBe(true)
    writeFileSync(join(dir, 'perf.config.ts'), config('2h')) // the author edits the config
    const both = nodeIn(dir, 'src/cli.js')
    // before: exit 0, and the ttl of the stale perf.config.js ('1d'), the edit ignored
    expect(both.stdout).toBe('')
    expect(both.code).not.toBe(0)
    expect(both.stderr).toContain(`${dir}: two config files, perf.config.js and perf.config.ts: unperf loads perf.config.js`)
    expect(both.stderr).toContain(`give tsconfig.json an "include" without it, or an "outDir"`)
    const cli = unperfIn(dir, ['config'])
    expect(cli.code).toBe(2)
    expect(cli.stderr).toContain('two config files, perf.config.js and perf.config.ts')

    // the README's way: the sources alone, compiled to dist/
    for (const f of ['perf.config.js', 'src/cli.js']) rmSync(join(dir, f))
    tsc(dir, { compilerOptions: { ...compilerOptions, rootDir: 'src', outDir: 'dist' }, include: ['src'] })
    expect(existsSync(join(dir, 'perf.config.js'))).toBe(false)
    const cold = nodeIn(dir, 'dist/cli.js')
    expect(cold.code, cold.stderr).toBe(0)
    expect(JSON.parse(cold.stdout)).toEqual({ ttl: 7_200_000 })
    writeFileSync(join(dir, 'perf.config.ts'), config('3h'))
    expect(JSON.parse(nodeIn(dir, 'dist/cli.js').stdout)).toEqual({ ttl: 10_800_000 })

    // perf.config.js made after a warm start (a tsc run over the whole project later on): refused too
    expect(JSON.parse(nodeIn(dir, 'dist/cli.js').stdout)).toEqual({ ttl: 10_800_000 })
    writeFileSync(join(dir, 'perf.config.js'), `export default { cache: { ttl: '1d' } }\n`)
    const later = nodeIn(dir, 'dist/cli.js')
    expect(later.code).not.toBe(0)
    expect(later.stderr).toContain('two config files, perf.config.js and perf.config.ts')
  })
})

describe('a broken config in a CLI that calls createPerf() itself (docs/config.md, Errors)', () => {
  it("uncaught under a top-level await: node's stack trace, exit 1; with the docs' catch: the problems alone, exit 2", () => {
    const recipe = `import { createPerf } from 'unperf'
const rootDir = process.cwd()
const perf = await createPerf({ rootDir }).catch((error: unknown) => {
  if ((error as { code?: unknown } | null)?.code !== 'E_CONFIG') throw error
  console.error((error as Error).message) // the problems, as above; no stack trace
  process.exit(2)
})
await perf.close()
`
    const dir = consumerProject({ 'perf.config.ts': `export default { cache: { ttl: '5 minutes' } }\n`, 'src/cli.ts': CLI, 'src/recipe.ts': recipe })
    tsc(dir, { compilerOptions: { ...compilerOptions, rootDir: 'src', outDir: 'dist' }, include: ['src'] })
    const problem = `perf.config.ts:1:27: cache.ttl: expected a duration like '10m'`
    const uncaught = nodeIn(dir, 'dist/cli.js')
    expect(uncaught.code).toBe(1)
    expect(uncaught.stderr).toContain(problem)
    expect(uncaught.stderr).toContain('triggerUncaughtException(')
    const caught = nodeIn(dir, 'dist/recipe.js')
    expect(caught.code).toBe(2)
    expect(caught.stderr).toBe(`[unperf] invalid config:\n  - ${problem}, a number of ms, or false (units: ms, s, m, h, d, w; no month or year: write '365d'), got '5 minutes'\n`)
  })
})
