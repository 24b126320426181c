/**
 * The packed package's types under the tsconfig settings users still have, beyond the node16 /
 * nodenext / bundler cases of pack.test.ts:
 * - `"moduleResolution": "node"` (node10, TypeScript 5's `tsc` default for `module: commonjs` and
 *   many older projects' setting): it ignores `exports`, so `unperf/config`, `unperf/citty`,
 *   `unperf/commander` and `unperf/vitest` were "Cannot find module" (TS2307) and a perf.config.ts
 *   importing `definePerfConfig` did not type-check; `typesVersions` maps them (the resolutions that
 *   read `exports` ignore it).
 * - a `lib` older than es2022 (`target: es2020`, a tsconfig base for an older Node): unperf's
 *   declarations named lib es2022's `ErrorOptions`, so they failed to type-check (TS2304).
 * - TypeScript 5.0 to 5.3: the declarations named `NoInfer` (TypeScript 5.4's), "Cannot find name
 *   'NoInfer'" (TS2304) in every project importing `unperf/config` without skipLibCheck.
 */
import { spawnSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { consumerProject } from './_packed.js'

const root = join(import.meta.dirname, '../..')
let project: string

const SOURCE = [
  `import { definePerfConfig } from 'unperf/config'`,
  `import { createPerf, definePerfPlugin } from 'unperf'`,
  `import { withPerf } from 'unperf/citty'`,
  `import { instrument } from 'unperf/commander'`,
  `import reporter, { UnperfReporter } from 'unperf/vitest'`,
  `export const config = definePerfConfig({ cache: { ttl: '1d' }, plugins: [definePerfPlugin({ name: 'p', setup() {} })] })`,
  `export async function main(): Promise<number> {`,
  `  const perf = await createPerf()`,
  `  const entry = await perf.cache.getEntry<{ a: number }>('k')`,
  `  return entry ? entry.value.a : 0`,
  `}`,
  `void withPerf; void instrument; void reporter; void UnperfReporter`,
  `const typed = definePerfPlugin<{ level: number }>({ name: 't' })`,
  `export const withOptions = definePerfConfig({ plugins: [[typed, { level: 1 }]] })`,
  `// @ts-expect-error a plugin's options are checked against its type`,
  `definePerfConfig({ plugins: [[typed, { level: 'high' }]] })`,
  `// @ts-expect-error a typo in a nested key is still an error`,
  `definePerfConfig({ cache: { tll: '1h' } })`,
].join('\n')

function tsc(tsc: string, compilerOptions: Record<string, unknown>): { out: string; status: number | null } {
  writeFileSync(join(project, 'tsconfig.json'), JSON.stringify({ compilerOptions: { strict: true, noEmit: true, skipLibCheck: false, types: ['node'], typeRoots: [join(root, 'node_modules/@types')], ...compilerOptions }, files: ['consumer.ts'] }))
  const run = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.json'], { cwd: project, encoding: 'utf8', timeout: 120_000 })
  return { out: `${run.stdout}${run.stderr}${run.error ?? ''}`, status: run.status }
}

beforeAll(() => {
  project = consumerProject({ 'consumer.ts': SOURCE })
}, 600_000)

describe('the packed types under older tsconfig settings', () => {
  it(`resolve every entry point under "moduleResolution": "node" (node10)`, () => {
    for (const module of ['commonjs', 'esnext']) {
      const r = tsc(join(root, 'node_modules/typescript/bin/tsc'), { module, moduleResolution: 'node', target: 'es2022' })
      expect(r.out, module).toBe('')
      expect(r.status, module).toBe(0)
    }
  }, 300_000)

  it('type-check under TypeScript 5.0, the oldest 5.x', () => {
    // one resolution (what failed was a name in the declarations, under any): a tsc run costs ≈ 15 s
    const r = tsc(join(project, 'node_modules/typescript50/bin/tsc'), { module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022' })
    expect(r.out).toBe('')
    expect(r.status).toBe(0)
  }, 300_000)

  it('type-check with a lib older than es2022 (es2020, es2021), under TypeScript 5.9 and 7', () => {
    for (const bin of [join(root, 'node_modules/typescript/bin/tsc'), join(project, 'node_modules/typescript7/bin/tsc')]) {
      for (const lib of ['es2020', 'es2021']) {
        const r = tsc(bin, { module: 'nodenext', moduleResolution: 'nodenext', target: lib, lib: [lib] })
        expect(r.out, `${bin} ${lib}`).toBe('')
        expect(r.status, `${bin} ${lib}`).toBe(0)
      }
    }
  }, 300_000)
})
