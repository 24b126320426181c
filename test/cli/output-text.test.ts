/**
 * What `unperf` prints for people (found by the s17 output audit): tables stay aligned with keys in
 * CJK, with combining accents and emoji (they were padded by UTF-16 length: `日本語のキー` pushed its
 * row 6 columns right, `é` as e + U+0301 pulled it 1 left), a long key is cut on whole characters
 * (never half a surrogate pair), and an unset key reads `not set`, not JavaScript's `undefined`.
 */
import { spawnSync } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { tempDir } from '../helpers/tmp.js'
import { unperf } from '../helpers/unperf-cli.js'

const dist = join(import.meta.dirname, '../../dist/index.mjs')
// columns a line takes in a terminal, counted by hand for the characters used below
const columns = (s: string) => [...s].reduce((n, ch) => n + (/[\u0300-\u036f]/.test(ch) ? 0 : /[\u3000-\u9fff]|\p{Emoji_Presentation}/u.test(ch) ? 2 : 1), 0)

describe('unperf text output', () => {
  let dir: string
  const keys = ['tiny', '日本語のキー', 'cafe\u0301', '🚀 launch', 'x'.repeat(56) + '🚀🚀🚀 and more after the cut']
  beforeAll(() => {
    dir = tempDir('unperf-cli-output-text-')
    mkdirSync(join(dir, 'node_modules'))
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'output-text-fixture', version: '1.0.0', type: 'module' }))
    writeFileSync(join(dir, 'perf.config.ts'), `export default { cache: { driver: 'fs' }, report: { console: false } }`)
    writeFileSync(join(dir, 'app.mjs'), `
      import { createPerf } from ${JSON.stringify(dist)}
      const perf = await createPerf()
      for (const k of ${JSON.stringify(keys)}) await perf.cache.set(k, 'v')
      await perf.close()`)
    const r = spawnSync(process.execPath, ['app.mjs'], { cwd: dir, encoding: 'utf8', env: { ...process.env, XDG_CACHE_HOME: join(dir, '.xdg') } })
    expect(r.status, r.stderr).toBe(0)
  })

  it('cache list: the size column ends at the same terminal column on every row', () => {
    const r = unperf(dir, 'cache', 'list')
    expect(r.code, r.stderr).toBe(0)
    const lines = r.stdout.trimEnd().split('\n')
    expect(lines).toHaveLength(keys.length + 1)
    const sizeEnd = lines.map((l) => {
      const at = l.search(/size|\d+ B\b/)
      return columns(l.slice(0, at + l.slice(at).match(/^(size|\d+ B)/)![0].length))
    })
    expect(new Set(sizeEnd).size, lines.join('\n')).toBe(1)
    expect(r.stdout).not.toContain('\ufffd')
    const cut = lines.find(l => l.includes('...'))!
    expect(cut).toBeDefined()
    // no lone surrogate: the text round-trips through UTF-8 unchanged
    expect(Buffer.from(cut, 'utf8').toString('utf8')).toBe(cut)
    expect(cut).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/)
  })

  it('config: an unset key says "not set", never "undefined"', () => {
    const r = unperf(dir, 'config')
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).not.toContain('undefined')
    expect(r.stdout).toMatch(/^cache\.scope = not set \(the project id/m)
  })
})
