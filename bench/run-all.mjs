// `npm run bench`: runs every bench/*.mjs (and bench/scenarios/*.mjs), each of which writes
// bench/results/<name>.md, then rewrites BENCHMARKS.md with the machine, node version and date.
// Exits non-zero when any benchmark missed its target by more than noise.
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { cpus, totalmem } from 'node:os'
import { join } from 'node:path'

const root = new URL('..', import.meta.url).pathname
// --collect: only rebuild BENCHMARKS.md from the results already in bench/results/
const collect = process.argv.includes('--collect')
const only = process.argv.slice(2).filter(a => a !== '--collect')
const scripts = [
  ...readdirSync(join(root, 'bench')).filter(f => f.endsWith('.mjs') && !f.startsWith('_') && f !== 'run-all.mjs').map(f => join('bench', f)),
  ...(existsSync(join(root, 'bench/scenarios')) ? readdirSync(join(root, 'bench/scenarios')).filter(f => f.endsWith('.mjs') && !f.startsWith('_')).map(f => join('bench/scenarios', f)) : []),
].filter(s => only.length === 0 || only.some(o => s.includes(o)))
// a name that matches no benchmark (a typo, --help) ran nothing and then wrote "every target met"
const unmatched = only.filter(o => !scripts.some(s => s.includes(o)))
if (unmatched.length > 0) {
  console.error(`usage: node bench/run-all.mjs [--collect] [name...]: ${unmatched.map(o => `'${o}'`).join(', ')} names no benchmark in bench/ or bench/scenarios/`)
  process.exit(2)
}

const failures = []
for (const script of collect ? [] : scripts) {
  console.log(`\n=== ${script}`)
  const started = Date.now()
  const result = spawnSync(process.execPath, ['--expose-gc', script], { cwd: root, stdio: 'inherit', timeout: 20 * 60_000 })
  console.log(`=== ${script}: exit ${result.status ?? result.signal} in ${((Date.now() - started) / 1000).toFixed(1)} s`)
  if (result.status !== 0) failures.push(script)
}

const results = readdirSync(join(root, 'bench/results')).filter(f => f.endsWith('.md')).sort()
const header = [
  '# Benchmarks',
  '',
  'Every figure is a ratio against an anchor measured in the same run on the same machine (absolute times on shared machines are noise).',
  'Reproduce all: `npm run bench`; one: the command under its heading.',
  '',
  `- machine: ${cpus()[0]?.model ?? 'unknown'} × ${cpus().length}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB`,
  `- node: ${process.version}, ${process.platform}-${process.arch}`,
  `- date: ${new Date().toISOString().slice(0, 10)}`,
  collect ? '- collected from bench/results/ (each section was measured when its command last ran; see its own notes)' : failures.length ? `- targets missed: ${failures.join(', ')}` : '- every target met in this run',
  '',
]
writeFileSync(join(root, 'BENCHMARKS.md'), header.join('\n') + '\n' + results.map(f => readFileSync(join(root, 'bench/results', f), 'utf8').trim()).join('\n\n') + '\n')
console.log(`\nwrote BENCHMARKS.md (${results.length} sections)${failures.length ? `; missed: ${failures.join(', ')}` : ''}`)
process.exit(failures.length ? 1 : 0)
