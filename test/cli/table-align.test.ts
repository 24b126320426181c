/**
 * The CLI's tables right-align a column of figures. A duration past a minute is written in two parts
 * (`25 min 26 s`), and a figure not known yet as `–` (report's trend): either turned the whole column
 * left-aligned, so `cache list`'s age column changed sides once an entry was a minute old.
 */
import { expect, it } from 'vitest'
import { table } from '../../src/cli/_ui.js'

it('right-aligns a column of figures, two-part durations and `–` included', () => {
  const rows = [['k1', '1.16 s', '+3 %'], ['long-key', '25 min 26 s', '–'], ['k3', '995 ms', '-12 %']]
  expect(table(rows, ['key', 'age', 'trend']).split('\n')).toEqual([
    'key               age  trend',
    'k1             1.16 s   +3 %',
    'long-key  25 min 26 s      –',
    'k3             995 ms  -12 %',
  ])
})

it('leaves a column of words left-aligned', () => {
  expect(table([['a', 'in 24 h'], ['b', 'never']], ['key', 'expires']).split('\n')).toEqual(['key  expires', 'a    in 24 h', 'b    never'])
})
