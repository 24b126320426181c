/**
 * `unperf report --html` with no run recorded says so in the page, as the text report does ('no runs
 * recorded in <dir>'): the page had an empty Commands table, its header alone, and "no data" charts.
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { tempDir } from '../helpers/tmp.js'
import { unperf } from '../helpers/unperf-cli.js'

describe('unperf report --html before any run', () => {
  it("the page's Commands table says no runs are recorded, and where it looked", () => {
    const dir = tempDir('unperf-report-html-empty-')
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'html-empty', version: '1.0.0', type: 'module' }))
    writeFileSync(join(dir, 'perf.config.json'), JSON.stringify({ report: { dir: '.perf' } }))
    const r = unperf(dir, 'report', '--html', 'out/report.html')
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toContain('(0 runs)')
    const html = readFileSync(join(dir, 'out/report.html'), 'utf8')
    expect(html).toContain(`<tr><td colspan=6>no runs recorded in ${join(dir, '.perf')}</td></tr>`)
  })
})
