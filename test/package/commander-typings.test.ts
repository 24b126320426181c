/**
 * unperf/commander with `@commander-js/extra-typings` (commander's strongly typed declarations of
 * the same Command class, what its README points TypeScript CLIs to): `instrument(program)` did not
 * type-check (TS2345: its Command is not assignable to commander's), so such a CLI needed a cast.
 * Now it type-checks (the typed program comes back as it went in) and runs, on the packed package.
 */
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { consumerProject, nodeIn } from './_packed.js'

const root = join(import.meta.dirname, '../..')

const CLI = `import { Command } from '@commander-js/extra-typings'
import { instrument } from 'unperf/commander'
import { getPerf } from 'unperf'

const program = new Command('acme').option('-d, --debug')
program.command('build').argument('<entry>').option('-o, --out <file>')
  .action((entry, opts) => { console.log(entry.toUpperCase(), opts.out ?? '-', getPerf().closed) })
const same = instrument(program)
const debug: boolean | undefined = same.opts().debug
void debug
// @ts-expect-error not a commander program
export const notAProgram = () => instrument({ name: 'acme' })
await same.parseAsync()
`

describe('unperf/commander with @commander-js/extra-typings', () => {
  it('instrument(program) type-checks, keeps the typed program, and runs', () => {
    const project = consumerProject({
      'cli.ts': CLI,
      'tsconfig.json': JSON.stringify({ compilerOptions: { module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', strict: true, noEmit: true, skipLibCheck: false, types: [] }, files: ['cli.ts'] }),
      'perf.config.mjs': `export default { cache: { driver: 'memory' }, report: { console: false } }`,
    })
    const tsc = spawnSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'], { cwd: project, encoding: 'utf8', timeout: 120_000 })
    expect(`${tsc.stdout}${tsc.stderr}`).toBe('')
    expect(tsc.status).toBe(0)
    const r = nodeIn(project, join(project, 'node_modules/tsx/dist/cli.mjs'), ['cli.ts', 'build', 'src/x.ts', '-o', 'out.js'])
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toBe('SRC/X.TS out.js false\n')
  }, 600_000)
})
