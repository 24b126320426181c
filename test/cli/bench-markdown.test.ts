/**
 * `unperf bench --export-markdown`: hyperfine's table, one row per command, whatever the command
 * holds. A pipe in a command (`echo a | cat`) split its row into more cells than the header has.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { tempDir } from '../helpers/tmp.js'
import { unperf } from '../helpers/unperf-cli.js'

/** A GFM table row's cells: split on the pipes that are not escaped. */
const cells = (row: string) => row.replace(/^\||\|$/g, '').split(/(?<!\\)\|/).map(c => c.trim())

describe('unperf bench --export-markdown', () => {
  it('a command with pipes or backticks stays in its cell', () => {
    const dir = tempDir('unperf-bench-md-')
    const r = unperf(dir, 'bench', '--runs', '2', '--warmup', '0', '--export-markdown', 'out.md', 'echo a | cat | cat', 'echo `printf x`')
    expect(r.code, r.stderr).toBe(0)
    const rows = readFileSync(join(dir, 'out.md'), 'utf8').trim().split('\n')
    expect(rows).toHaveLength(4)
    for (const row of rows) expect(cells(row), row).toHaveLength(5)
    expect(cells(rows[2]!)[0]).toBe('`echo a \\| cat \\| cat`')
    expect(cells(rows[3]!)[0]).toBe('`` echo `printf x` ``')
  })
})
