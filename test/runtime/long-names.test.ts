/**
 * A long `name`, `version` or `cache.scope` (a branch name as the scope, a build number in the
 * version): each names a dir, and the scope dir joins version and scope. Past 255 bytes a dir name
 * is ENAMETOOLONG: the fs cache went off with a warning and the report was not written. Each is now
 * cut to a bounded name plus a hash of the whole (two long names still never share a dir).
 */
import { existsSync } from 'node:fs'
import { basename, dirname, join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { createPerf } from '../../src/index.js'
import { safeDirName } from '../../src/runtime/project.js'
import { projectWith } from '../helpers/project.js'
import { tempDir } from '../helpers/tmp.js'

describe('long names as dir names', () => {
  it('a 300-character name, version and scope: the fs cache and the report work, with no warning', async () => {
    const dir = projectWith(`export default {
      name: 'n'.repeat(300), version: '1.0.0-' + 'v'.repeat(250),
      cache: { dir: ${JSON.stringify(tempDir('unperf-long-cache-'))}, scope: 's'.repeat(300) },
      report: { console: false },
    }`)
    const warnings: string[] = []
    const perf = await createPerf({ rootDir: dir, cwd: dir })
    perf.hooks.hook('cache:error', (e) => { warnings.push(String((e as { error?: unknown }).error)) })
    await perf.cache.set('k', 1)
    expect(await perf.cache.get('k')).toBe(1)
    const info = await perf.cache.info()
    expect(info.entries).toBe(1)
    for (const part of info.dir!.split('/')) expect(Buffer.byteLength(part)).toBeLessThanOrEqual(255)
    await perf.run('build', async () => {})
    const report = await perf.close()
    expect(warnings).toEqual([])
    expect(report.warnings ?? []).toEqual([])
    expect(existsSync(join(perf.config.report.dir, 'report.json'))).toBe(true)
    expect(basename(dirname(dirname(perf.config.report.dir))).length).toBeLessThanOrEqual(100)
  })

  it('names up to 100 characters keep their dir; longer ones stay distinct', () => {
    expect(safeDirName('a'.repeat(100))).toBe('a'.repeat(100))
    expect(safeDirName('@acme/cli')).toBe('acme+cli')
    const long = safeDirName('a'.repeat(101))
    expect(long.length).toBeLessThanOrEqual(73)
    expect(safeDirName('a'.repeat(102))).not.toBe(long)
  })
})
