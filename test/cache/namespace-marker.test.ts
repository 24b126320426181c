/**
 * A namespace's dir is `n-<its name encoded>`, or `n-~<hash>` for a name too long for a file name,
 * which then holds the name in a `.namespace` marker. A marker naming another namespace (a hand edit,
 * a dir copied over another's) was believed: `unperf cache` listed that namespace twice, and worked on
 * the other namespace's dir in place of this one. Real dirs in a temp scope dir.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { namespaceDirName, namespacesInScope } from '../../src/runtime/cache/namespace-dirs.js'
import { tempDir } from '../helpers/tmp.js'

describe('namespace dirs found in a scope', () => {
  const long = `templates:${'x'.repeat(300)}`

  it('a hashed dir is its marker\'s namespace only when that name hashes to the dir', async () => {
    const scope = tempDir('unperf-ns-marker-')
    expect(namespaceDirName(long)).toMatch(/^n-~/)
    // the long namespace's own dir, marked right; a short one; a hashed dir marked with the short one's name
    for (const [dir, marker] of [[namespaceDirName(long), long], [namespaceDirName('short'), undefined], [`n-~${'0'.repeat(64)}`, 'short']] as const) {
      mkdirSync(join(scope, dir))
      if (marker !== undefined) writeFileSync(join(scope, dir, '.namespace'), marker)
    }
    expect((await namespacesInScope(scope)).sort()).toEqual(['short', long].sort())
  })

  it('a hashed dir with an empty marker or none is left out', async () => {
    const scope = tempDir('unperf-ns-marker-')
    mkdirSync(join(scope, namespaceDirName(long)))
    writeFileSync(join(scope, namespaceDirName(long), '.namespace'), '')
    mkdirSync(join(scope, `n-~${'1'.repeat(64)}`))
    expect(await namespacesInScope(scope)).toEqual([])
  })
})
