/**
 * docs/execution.md "Worker threads", TypeScript, on the packed package: a host started with
 * `node --import tsx`, tsx's CLI or jiti's loads its .ts modules in its own thread, but a worker
 * thread gets none of their loaders: perf.workers.run() on a .ts module rejects with
 * E_WORKER_TYPESCRIPT, and the two documented wrappers (tsx registered in the thread, jiti's import)
 * run it under each host.
 */
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { consumerProject, resultOf, runIn } from './_packed.js'

const HOST = `
import { createPerf } from 'unperf'
import { hash } from './hash.ts'
const perf = await createPerf()
const call = (file: string) => perf.workers.run<number>(new URL(file, import.meta.url), 'hash', ['abc']).then(v => v, (e: { code?: string }) => e.code)
const out = { main: hash('abc'), direct: await call('./hash.ts'), tsx: await call('./hash-tsx.mjs'), jiti: await call('./hash-jiti.mjs') }
await perf.close()
console.log(JSON.stringify(out))
`

const FILES = {
  'host.ts': HOST,
  'hash.ts': 'export function hash(s: string): number { let h = 0; for (const c of s) h = (h * 31 + c.charCodeAt(0)) | 0; return h }\n',
  'hash-tsx.mjs': "import { register } from 'tsx/esm/api'\nregister()\nexport const hash = async (...args) => (await import('./hash.ts')).hash(...args)\n",
  'hash-jiti.mjs': "import { createJiti } from 'jiti'\nconst jiti = createJiti(import.meta.url)\nexport const hash = async (...args) => (await jiti.import('./hash.ts')).hash(...args)\n",
  'perf.config.mjs': 'export default { report: { console: false, dir: \'./.perf\' } }',
}

let project: string
beforeAll(() => { project = consumerProject(FILES) }, 600_000)

describe('a .ts module in a worker thread, under each TypeScript host', () => {
  const expected = { main: 96354, direct: 'E_WORKER_TYPESCRIPT', tsx: 96354, jiti: 96354 }
  it('node --import tsx', () => {
    expect(resultOf(runIn(project, process.execPath, ['--import', 'tsx', 'host.ts']))).toEqual(expected)
  })
  it('tsx host.ts', () => {
    expect(resultOf(runIn(project, join(project, 'node_modules/.bin/tsx'), ['host.ts']))).toEqual(expected)
  })
  it('jiti host.ts', () => {
    expect(resultOf(runIn(project, join(project, 'node_modules/.bin/jiti'), ['host.ts']))).toEqual(expected)
  })
})
