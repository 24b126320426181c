/** README.md is generated from docs/_head.md, docs/*.md and docs/_tail.md: an edit made in the README itself would be lost at the next regeneration. */
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { expect, it } from 'vitest'

const root = join(import.meta.dirname, '../..')

it('README.md is what docs/*.md make (node scripts/readme.mjs --check)', () => {
  const r = spawnSync(process.execPath, [join(import.meta.dirname, '../../scripts/readme.mjs'), '--check'], { encoding: 'utf8' })
  expect(r.stderr).toBe('')
  expect(r.status).toBe(0)
})

/** Relative link targets in a markdown file (no urls, no anchors), with their lines. */
function relativeLinks(file: string): { line: number; target: string }[] {
  const links: { line: number; target: string }[] = []
  readFileSync(file, 'utf8').split('\n').forEach((text, i) => {
    for (const m of text.matchAll(/\]\(([^)\s]+)\)/g)) {
      const target = m[1]!
      if (/^[a-z][a-z0-9+.-]*:|^#|^\//i.test(target)) continue
      links.push({ line: i + 1, target: target.replace(/#.*$/, '') })
    }
  })
  return links
}

// a doc's links are written relative to docs/ (where it is read on its own); the README's, relative to
// the repository root: the generator rewrites them (a '../bench/results/x.md' copied as it was pointed
// outside the repository from the README)
it('every relative link in README.md and docs/*.md points at a file of the repository', () => {
  const broken: string[] = []
  const docs = readdirSync(join(root, 'docs')).filter(f => f.endsWith('.md') && !f.startsWith('_')).map(f => join(root, 'docs', f))
  for (const file of [join(root, 'README.md'), ...docs]) {
    for (const { line, target } of relativeLinks(file)) {
      if (!existsSync(join(dirname(file), target))) broken.push(`${file.slice(root.length + 1)}:${line}: ${target}`)
    }
  }
  expect(broken).toEqual([])
})
