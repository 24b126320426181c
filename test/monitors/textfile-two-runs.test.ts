/**
 * The same CLI run twice at once writing one `prometheus: { file }` (two CI jobs on one runner, a
 * watcher and a build): node_exporter's textfile collector fails its whole scrape on a file with a
 * series twice. Each write replaces the whole file (temp file + rename), so every read of it is one
 * process's complete text: strictly valid, never two processes' series mixed. Real child processes
 * writing every 20 ms while the test reads the file.
 */
import { spawn } from 'node:child_process'
import { readFileSync, readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { expect, it } from 'vitest'
import { readStrict } from '../metrics/_strict-prom.js'
import { tempDir } from '../helpers/tmp.js'

const dist = join(import.meta.dirname, '../../dist/index.mjs')

it('three processes writing one textfile: every read is a valid text of one of them', async () => {
  const dir = tempDir('unperf-textfile-runs-')
  const file = join(dir, 'textfile', 'acme.prom')
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'acme', version: '1.0.0', type: 'module' }))
  writeFileSync(join(dir, 'perf.config.json'), JSON.stringify({ cache: { driver: 'memory' }, report: { console: false }, monitors: { interval: 20, prometheus: { file } } }))
  writeFileSync(join(dir, 'app.mjs'), `
    import { createPerf } from ${JSON.stringify(dist)}
    const perf = await createPerf()
    perf.metrics.counter('jobs', 'Jobs done.').inc(Number(process.argv[2]))
    await perf.run('serve', () => new Promise(r => setTimeout(r, 400)))
    await perf.close()`)
  const children = [1, 2, 3].map(n => spawn(process.execPath, ['app.mjs', String(n)], { cwd: dir, stdio: 'ignore', env: { ...process.env, XDG_CACHE_HOME: join(dir, '.xdg') } }))
  const exited = children.map(c => new Promise<number | null>(r => c.on('exit', r)))
  let running = children.length
  for (const e of exited) void e.then(() => { running-- })
  let reads = 0
  const errors = new Set<string>()
  while (running > 0) {
    let text: string | undefined
    try { text = readFileSync(file, 'utf8') } catch { /* not written yet */ }
    if (text !== undefined) {
      reads++
      const read = readStrict(text)
      for (const error of read.errors) errors.add(error)
      // one process's text: one value of its own counter
      if (read.families.has('acme_jobs_total')) expect(read.families.get('acme_jobs_total')!.samples).toHaveLength(1)
    }
    await new Promise(r => setTimeout(r, 2))
  }
  expect(await Promise.all(exited)).toEqual([0, 0, 0])
  expect([...errors]).toEqual([])
  expect(reads).toBeGreaterThan(0)
  expect(readStrict(readFileSync(file, 'utf8')).errors).toEqual([])
  expect(readdirSync(join(dir, 'textfile'))).toEqual(['acme.prom']) // no temp file left for the collector's dir
})
