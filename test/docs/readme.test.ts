/** README.md is generated from docs/_head.md, docs/*.md and docs/_tail.md: an edit made in the README itself would be lost at the next regeneration. */
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { expect, it } from 'vitest'

it('README.md is what docs/*.md make (node scripts/readme.mjs --check)', () => {
  const r = spawnSync(process.execPath, [join(import.meta.dirname, '../../scripts/readme.mjs'), '--check'], { encoding: 'utf8' })
  expect(r.stderr).toBe('')
  expect(r.status).toBe(0)
})
