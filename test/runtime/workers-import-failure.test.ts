/**
 * perf.workers.run() on a module that cannot be imported: a SyntaxError in it rejected with node's
 * bare message ("Unexpected token '='", no file named), a missing one with "imported from
 * .../worker-entry.mjs" (unperf's file, not the caller's). The message now names the call and the
 * module; the class and code stay node's.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { describe, expect, it, onTestFinished } from 'vitest'
import { createPerf } from '../../src/index.js'
import { BASE, projectWith } from '../helpers/project.js'

describe('workers: a module that cannot be imported', () => {
  it('the error names perf.workers.run() and the module, with its class and code', async () => {
    const dir = projectWith(`export default { ${BASE} }`)
    const perf = await createPerf({ rootDir: dir, cwd: dir })
    onTestFinished(async () => { await perf.close() })
    const fixtures = mkdtempSync(join(fileURLToPath(new URL('.', import.meta.url)), 'fixtures/tmp-'))
    onTestFinished(() => rmSync(fixtures, { recursive: true, force: true }))
    const broken = join(fixtures, 'broken.mjs')
    writeFileSync(broken, 'export const = ;\n')
    const syntax = await perf.workers.run(broken, 'f').catch((e: unknown) => e) as Error
    expect(syntax).toBeInstanceOf(SyntaxError)
    expect(syntax.message).toBe(`[unperf] perf.workers.run(): cannot import ${pathToFileURL(broken).href} in a worker thread: Unexpected token '='`)
    const missing = join(fixtures, 'not-there.mjs')
    const notFound = await perf.workers.run(missing, 'f').catch((e: unknown) => e) as Error & { code?: string }
    expect(notFound.code).toBe('ERR_MODULE_NOT_FOUND')
    expect(notFound.message).toMatch(/^\[unperf\] perf\.workers\.run\(\): cannot import file:\S+not-there\.mjs in a worker thread: Cannot find module '\S+not-there\.mjs'$/)
    expect(notFound.message).not.toContain('worker-entry')
    expect(String(notFound.stack)).toContain('cannot import')
    // the thread lives on
    writeFileSync(join(fixtures, 'ok.mjs'), 'export const f = (a) => a + 1\n')
    expect(await perf.workers.run(join(fixtures, 'ok.mjs'), 'f', [1])).toBe(2)
  })
})
