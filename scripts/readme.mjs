// Regenerates README.md from docs/: docs/_head.md (the intro and the tour), then docs/*.md (the reference,
// below the marker), then docs/_tail.md. The docs are the source; the README carries all of it so a user
// finds everything in one place, and the docs tests (test/docs) check every example, the tour's included.
//   node scripts/readme.mjs           rewrite it
//   node scripts/readme.mjs --check   exit 1 if README.md differs from what the docs make (an edit made in the README itself)
import { readFileSync, writeFileSync } from 'node:fs'
import { posix } from 'node:path'

const root = new URL('..', import.meta.url)
const MARKER = '<!-- generated below from docs/*.md by `node scripts/readme.mjs`: edit the docs, not this part -->'
const order = ['config', 'runtime', 'cache', 'fetch', 'execution', 'reports', 'monitors', 'adapters', 'cli', 'vitest']
const readme = readFileSync(new URL('README.md', root), 'utf8')
const head = `${readFileSync(new URL('docs/_head.md', root), 'utf8').trim()}\n\n`
const sections = order.map(name => {
  let text = readFileSync(new URL(`docs/${name}.md`, root), 'utf8').trim()
  // every doc's top heading becomes a README section (##), its subheadings one level below
  const top = /^(#+) /m.exec(text)?.[1].length ?? 2
  if (top === 1) text = text.replace(/^(#+) /gm, '#$1 ')
  // a doc's relative links are relative to docs/ (so they work where the doc is read on its own): made
  // relative to the repository root for the README (`../bench/x.md` → `bench/x.md`, `shot.png` → `docs/shot.png`)
  return text.replace(/\]\((?![a-z][a-z0-9+.-]*:|#|\/)([^)\s]+)\)/gi, (_, target) => `](${posix.normalize(`docs/${target}`)})`)
})
const tail = readFileSync(new URL('docs/_tail.md', root), 'utf8').trim()
const generated = `${head}${MARKER}\n\n${sections.join('\n\n')}\n\n${tail}\n`
if (process.argv.includes('--check')) {
  if (generated !== readme) {
    console.error('README.md differs from docs/*.md: edit the docs, then run node scripts/readme.mjs')
    process.exit(1)
  }
  console.log('README.md matches docs/*.md')
} else {
  writeFileSync(new URL('README.md', root), generated)
  console.log(`README.md: docs/_head.md + ${order.length} sections from docs/ + docs/_tail.md`)
}
