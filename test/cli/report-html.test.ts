/**
 * `unperf report --html` renders its charts in a real headless Chromium with no console errors.
 * Skipped (loudly) where /usr/bin/chromium is missing; `.ci/run` installs it, and with CI=true a
 * missing browser fails.
 */
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { tempDir } from '../helpers/tmp.js'

const chromium = '/usr/bin/chromium'
const bin = join(import.meta.dirname, '../../bin/unperf.mjs')
const dist = join(import.meta.dirname, '../../dist/index.mjs')
const haveChromium = existsSync(chromium)
if (!haveChromium && process.env.CI === 'true') throw new Error('chromium is required in CI (apt-get install chromium)')
if (!haveChromium) console.warn('\n[unperf tests] /usr/bin/chromium not found: the HTML report browser test is SKIPPED\n')

describe.skipIf(!haveChromium)('report --html in Chromium', () => {
  it('renders every chart with no console errors', async () => {
    const dir = tempDir('unperf-html-')
    mkdirSync(join(dir, 'node_modules'))
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'html-fixture', version: '1.0.0', type: 'module' }))
    writeFileSync(join(dir, 'perf.config.mjs'), `export default { cache: { driver: 'memory' }, report: { console: false }, budgets: { startup: '10s' } }`)
    writeFileSync(join(dir, 'app.mjs'), `
      import { createPerf } from ${JSON.stringify(dist)}
      const perf = await createPerf()
      await perf.run(process.argv[2], async () => { await perf.cache.wrap('k', async () => 1); await perf.span('work', () => new Promise(r => setTimeout(r, 5))) })
      await perf.close()`)
    const env = { ...process.env, XDG_CACHE_HOME: join(dir, '.xdg') }
    for (const cmd of ['build', 'test', 'build', 'build']) expect(spawnSync(process.execPath, ['app.mjs', cmd], { cwd: dir, env }).status).toBe(0)
    const html = join(dir, 'report.html')
    expect(spawnSync(process.execPath, [bin, 'report', '--html', html], { cwd: dir, env }).status).toBe(0)

    const { chromium: pw } = await import('playwright-core')
    const browser = await pw.launch({
      executablePath: chromium,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    })
    try {
      const page = await browser.newPage({ viewport: { width: 1000, height: 1400 } })
      const errors: string[] = []
      page.on('console', m => { if (m.type() === 'error') errors.push(m.text()) })
      page.on('pageerror', e => errors.push(e.message))
      await page.goto(`file://${html}`)
      await page.waitForSelector('body[data-rendered="true"]', { timeout: 90_000 })
      expect(errors).toEqual([])
      expect(await page.locator('.uplot').count()).toBe(4)
      expect(await page.locator('canvas').count()).toBeGreaterThanOrEqual(4)
      // UNPERF_SCREENSHOT=1 refreshes the one in the docs
      const screenshot = process.env.UNPERF_SCREENSHOT === '1' ? join(import.meta.dirname, '../../docs/report-screenshot.png') : join(dir, 'report.png')
      await page.screenshot({ path: screenshot, fullPage: true })
    } finally {
      await browser.close()
    }
  }, 180_000)
})
