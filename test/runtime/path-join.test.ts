/**
 * unperf's path.join (src/runtime/path-join.ts, put in node:path's place by the build): a
 * concatenation where there is nothing to normalize, Node's join otherwise. The same answer as
 * Node's join for every input, thrown errors included.
 */
import * as path from 'node:path'
import { describe, expect, it } from 'vitest'
import { join } from '../../src/runtime/path-join.js'

const segments = ['a', 'report.json', 'x.y', '.perf', '..a', 'a..', '.', '..', '', '/', '//', 'a/b', 'a//b', '/a', 'a/', './a', 'a/.', 'a/..', 'é 😀', ' ', 'a\\b', 'C:', '\0']
const dirs = ['/', '/tmp', '/tmp/', '/tmp//x', '/tmp/./x', '/tmp/../x', '/tmp/.', '/tmp/..', '/t/.x/..y', 'tmp', './tmp', '', '.', '/a/b/c/d/e/f/g/h', '//net', '/é 😀/x']

const outcome = (fn: () => string): string => {
  try { return `= ${fn()}` } catch (error) { return `throws ${(error as NodeJS.ErrnoException).code}` }
}

describe('path join', () => {
  it('gives what node:path join gives for dirs and names of every shape', () => {
    let n = 0
    for (const dir of dirs) {
      for (const a of segments) {
        expect(outcome(() => join(dir, a))).toBe(outcome(() => path.join(dir, a)))
        for (const b of segments) {
          expect(outcome(() => join(dir, a, b))).toBe(outcome(() => path.join(dir, a, b)))
          n++
        }
      }
    }
    expect(n).toBe(dirs.length * segments.length ** 2)
    for (const args of [[], ['/tmp'], ['a'], ['/tmp', 1], ['/tmp', undefined], [undefined, 'a'], [null], ['/tmp', 'a', {}]] as unknown[][]) {
      expect(outcome(() => join(...args as string[]))).toBe(outcome(() => path.join(...args as string[])))
    }
  })
})
