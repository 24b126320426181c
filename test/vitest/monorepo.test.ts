/**
 * A monorepo as vitest runs one: `projects: ['packages/*']` at the root, each package with its own
 * vitest config and package.json, the reporter in the root config with its default history dir,
 * one flaky test in each project, runs narrowed by `--project`. Real vitest 4 runs, the real CLI.
 */
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { tempDir } from '../helpers/tmp.js'
import { bundle, bundleCommand, runNode, runVitest, tempProject } from './_project.js'

const FILE = (project: string) => `import { expect, it } from 'vitest'
it('${project} works', () => {})
it('${project} flips', () => { expect(process.env.FLIP).not.toBe('${project}') })
`
const pkg = (name: string) => JSON.stringify({ name, type: 'module', private: true })

let root: string
let cli: string
let env: Record<string, string>

beforeAll(async () => {
  root = tempProject({
    'package.json': pkg('acme-monorepo'),
    'vitest.config.mjs': `import { join } from 'node:path'\nexport default { test: { reporters: ['default', join(import.meta.dirname, 'reporter.mjs')], projects: ['packages/*'] } }\n`,
    'packages/api/package.json': pkg('@acme/api'),
    'packages/api/vitest.config.mjs': `export default { test: { name: 'api', include: ['test/**/*.test.js'] } }\n`,
    'packages/api/test/api.test.js': FILE('api'),
    'packages/web/package.json': pkg('@acme/web'),
    'packages/web/vitest.config.mjs': `export default { test: { name: 'web', include: ['test/**/*.test.js'] } }\n`,
    'packages/web/test/web.test.js': FILE('web'),
  })
  await bundle(join(root, 'reporter.mjs'), { file: 'src/vitest/index.ts' })
  cli = await bundleCommand(root, 'tests')
  env = { XDG_CACHE_HOME: tempDir('unperf-monorepo-xdg-'), GITHUB_SHA: 'f'.repeat(40) }
  const runs: Array<[string, string[]]> = [['', []], ['api', ['--project', 'api']], ['web', ['--project', 'web']], ['', []]]
  for (const [flip, args] of runs) {
    const r = runVitest(root, 'vitest.config.mjs', { ...env, FLIP: flip }, args)
    expect(r.stderr).not.toContain('[unperf]')
  }
}, 300_000)

describe('a monorepo with vitest projects', () => {
  it('each project\'s flaky test is found, named with its project, across runs narrowed by --project', () => {
    const r = runNode(root, cli, ['flaky', '--json'], env)
    expect(r.status, r.stderr).toBe(0)
    const { runs, flaky } = JSON.parse(r.stdout)
    expect(runs).toBe(4)
    expect(flaky).toMatchObject([
      { file: 'packages/api/test/api.test.js', name: 'api flips', project: 'api', flips: 2, transitions: 2, runs: 3 },
      { file: 'packages/web/test/web.test.js', name: 'web flips', project: 'web', flips: 2, transitions: 2, runs: 3 },
    ])
    expect(runNode(root, cli, ['flaky'], env).stdout).toContain('packages/api/test/api.test.js > api flips [api]')
  })

  it('run from a package, the empty history it reads is named as that package\'s, with the way to the root\'s', () => {
    const r = runNode(join(root, 'packages/api'), cli, ['flaky'], env)
    expect(r.status).toBe(0)
    expect(r.stderr).toContain(`the history of the project at ${join(root, 'packages/api')}`)
    expect(r.stderr).toContain('if vitest runs elsewhere (a monorepo\'s root), run this there or pass --cwd')
    const there = runNode(join(root, 'packages/api'), cli, ['flaky', '--json', '--cwd', root], env)
    expect(JSON.parse(there.stdout).flaky).toHaveLength(2)
  })
})
