/**
 * `wrap(key, fn, { files: ['src'] })`: a dir named in `files` was hashed as one path that is not a
 * file, so its content never reached the key: an edit under it (or a new file in it) left wrap()
 * serving the value fn made from the old sources. A named dir now stands for every file under it.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { createPerf } from '../../src/index.js'
import { hashFilesSync } from '../../src/runtime/cache/file-hash.js'
import { projectWith } from '../helpers/project.js'
import { tempDir } from '../helpers/tmp.js'

describe('wrap({ files }) with a dir', () => {
  it.each(['src', 'src/', 'abs'])('files: [%j]: an edit, a new file or a nested file under the dir reruns fn', async (form) => {
    const dir = projectWith(`export default { cache: { driver: 'fs', dir: ${JSON.stringify(tempDir('unperf-wfd-cache-'))} }, report: { console: false } }`)
    mkdirSync(join(dir, 'src', 'deep', '(x)'), { recursive: true })
    writeFileSync(join(dir, 'src', 'a.ts'), 'a1')
    const files = [form === 'abs' ? join(dir, 'src') : form]
    const perf = await createPerf({ rootDir: dir, cwd: dir })
    let calls = 0
    const build = () => perf.cache.wrap('build', async () => ++calls, { files })
    expect(await build()).toBe(1)
    expect(await build()).toBe(1) // unchanged: a hit
    writeFileSync(join(dir, 'src', 'a.ts'), 'a2')
    expect(await build()).toBe(2)
    writeFileSync(join(dir, 'src', 'deep', '(x)', 'b.ts'), 'b')
    expect(await build()).toBe(3)
    expect(await build()).toBe(3)
    writeFileSync(join(dir, 'src', 'a.ts'), 'a1')
    writeFileSync(join(dir, 'src', 'deep', '(x)', 'b.ts'), 'b2')
    expect(await build()).toBe(4)
    await perf.close()
  })

  it('the sync hash (cache.invalidate.files) sees the content under a named dir too', () => {
    const cwd = tempDir('unperf-wfd-')
    mkdirSync(join(cwd, 'conf'))
    writeFileSync(join(cwd, 'conf', 'x.json'), '1')
    const h1 = hashFilesSync(['conf', 'package.json'], cwd)
    writeFileSync(join(cwd, 'conf', 'x.json'), '2')
    expect(hashFilesSync(['conf', 'package.json'], cwd)).not.toBe(h1)
  })
})
