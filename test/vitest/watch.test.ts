/** issue 10: in watch mode the reporter records the first, full run; reruns only with `watch: true`. */
import { spawn } from 'node:child_process'
import { appendFileSync, existsSync } from 'node:fs'
import { join } from 'node:path'
import { expect, it } from 'vitest'
import { readTestHistory } from '../../src/vitest/history.js'
import { bundle, childEnv, REPO, tempProject } from './_project.js'

async function until(check: () => boolean, what: string, ms = 60_000): Promise<void> {
  const end = Date.now() + ms
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise(r => setTimeout(r, 100))
  }
}

async function watchSession(recordReruns: boolean): Promise<number> {
  const dir = tempProject({
    'test/a.test.js': `import { it } from 'vitest'\nit('a', () => {})\n`,
    'test/b.test.js': `import { it } from 'vitest'\nit('b', () => {})\n`,
    'vitest.config.mjs': `import { join } from 'node:path'
export default { test: { include: ['test/**/*.test.js'], reporters: ['default', [join(import.meta.dirname, 'reporter.mjs'), { dir: join(import.meta.dirname, 'history'), history: 10, watch: ${recordReruns} }]] } }
`,
  })
  await bundle(join(dir, 'reporter.mjs'), { file: 'src/vitest/index.ts' })
  const child = spawn(process.execPath, [join(REPO, 'node_modules/vitest/vitest.mjs'), 'watch', '--config', 'vitest.config.mjs'], {
    cwd: dir, env: childEnv(), stdio: ['pipe', 'pipe', 'pipe'],
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
    return readTestHistory(history).entries.length
  } finally {
    child.kill()
  }
}

it('records only the first run of a watch session by default', async () => {
  expect(await watchSession(false)).toBe(1)
}, 120_000)

it('records reruns too with { watch: true }', async () => {
  expect(await watchSession(true)).toBe(2)
}, 120_000)
