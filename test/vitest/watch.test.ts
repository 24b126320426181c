/**
 * issue 10: in watch mode the reporter records the first, full run; reruns only with `watch: true`.
 * A rerun it does not record asks git nothing (counted through a logging `git` on PATH, in a real repo).
 */
import { execFileSync, spawn } from 'node:child_process'
import { appendFileSync, chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { expect, it } from 'vitest'
import { readTestHistory } from '../../src/vitest/history.js'
import { bundle, childEnv, REPO, tempProject, writeFiles } from './_project.js'

async function until(check: () => boolean, what: string, ms = 60_000): Promise<void> {
  const end = Date.now() + ms
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise(r => setTimeout(r, 100))
  }
}

/** A `git` that logs its arguments to `log`, then runs the real one. */
function loggingGit(dir: string, log: string): string {
  const real = execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim()
  const bin = join(dir, 'logging-bin')
  writeFiles(dir, { 'logging-bin/git': `#!/bin/sh\necho "$*" >> ${JSON.stringify(log)}\nexec ${JSON.stringify(real)} "$@"\n` })
  chmodSync(join(bin, 'git'), 0o755)
  execFileSync(real, ['init', '-q'], { cwd: dir })
  writeFileSync(join(dir, '.gitignore'), 'node_modules\nhistory\nlogging-bin\ngit.log\n')
  return bin
}

async function watchSession(recordReruns: boolean): Promise<{ runs: number; probes: number }> {
  const dir = tempProject({
    'test/a.test.js': `import { it } from 'vitest'\nit('a', () => {})\n`,
    'test/b.test.js': `import { it } from 'vitest'\nit('b', () => {})\n`,
    'vitest.config.mjs': `import { join } from 'node:path'
export default { test: { include: ['test/**/*.test.js'], reporters: ['default', [join(import.meta.dirname, 'reporter.mjs'), { dir: join(import.meta.dirname, 'history'), history: 10, watch: ${recordReruns} }]] } }
`,
  })
  await bundle(join(dir, 'reporter.mjs'), { file: 'src/vitest/index.ts' })
  const log = join(dir, 'git.log')
  const bin = loggingGit(dir, log)
  const child = spawn(process.execPath, [join(REPO, 'node_modules/vitest/vitest.mjs'), 'watch', '--config', 'vitest.config.mjs'], {
    cwd: dir, env: childEnv({ PATH: `${bin}:${process.env.PATH ?? ''}` }), stdio: ['pipe', 'pipe', 'pipe'],
  })
  let out = ''
  child.stdout.on('data', (d: Buffer) => { out += d.toString() })
  child.stderr.on('data', (d: Buffer) => { out += d.toString() })
  try {
    const history = join(dir, 'history')
    await until(() => existsSync(join(history, 'tests.jsonl')), 'the first run to be recorded')
    const runsBefore = (out.match(/Test Files/g) ?? []).length
    appendFileSync(join(dir, 'test/a.test.js'), `it('a2', () => {})\n`)
    await until(() => (out.match(/Test Files/g) ?? []).length > runsBefore, 'the rerun')
    // the reporter writes after the summary is printed: give the end of the run a moment
    if (recordReruns) await until(() => readTestHistory(history).entries.length >= 2, 'the rerun to be recorded')
    else await new Promise(r => setTimeout(r, 1500))
    const probes = readFileSync(log, 'utf8').split('\n').filter(line => line.startsWith('rev-parse ')).length
    return { runs: readTestHistory(history).entries.length, probes }
  } finally {
    child.kill()
  }
}

it('records only the first run of a watch session by default, and asks git nothing for the rerun', async () => {
  expect(await watchSession(false)).toEqual({ runs: 1, probes: 1 })
}, 120_000)

it('records reruns too with { watch: true }, each with its own git probe', async () => {
  expect(await watchSession(true)).toEqual({ runs: 2, probes: 2 })
}, 120_000)
