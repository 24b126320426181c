/**
 * A lock dir shared by machines (NFS) whose clocks are apart: a lock is stale by its mtime, and a
 * waiter judged it against its own wall clock. One more than the stale time ahead of the clock that
 * stamps the files saw every fresh lock of another machine as old, one behind saw it dated ahead
 * (stale too: such a lock, touched ahead by hand, blocked every exit): both took a live holder's lock
 * over. The takeover now judges the age again against the file system's clock (its claim's mtime).
 * Real child processes whose Date.now is shifted; the holder's lock names another machine.
 */
import { mkdirSync, utimesSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { tempDir } from '../helpers/tmp.js'
import { bundle, run } from '../report/_child.js'

const STALE = 10_000
/** What another machine's live process writes into its lock: another boot id. */
const FOREIGN = '00000000-0000-4000-8000-000000000000 pid:[4026531836] 4242'

describe('a lock of another machine, the waiter\'s clock skewed past the stale time', () => {
  let child: string
  beforeAll(async () => {
    child = await bundle('../runtime/fixtures/lock-skew-child.ts')
  })

  function lock(ageMs: number): string {
    const dir = tempDir('unperf-lock-skew-')
    mkdirSync(join(dir, 'locks'))
    const path = join(dir, 'locks', 'history.jsonl.lock')
    writeFileSync(path, FOREIGN)
    const at = new Date(Date.now() - ageMs)
    utimesSync(path, at, at)
    return path
  }

  it.each([
    ['15 s ahead', 15_000],
    ['15 s behind', -15_000],
  ])('%s: a fresh lock stays held', async (_, skew) => {
    expect(await run(child, [lock(0), String(skew), String(STALE)])).toMatchObject({ code: 0, stdout: 'held', stderr: '' })
  })

  it.each([
    ['15 s ahead', 15_000],
    ['15 s behind', -15_000],
  ])('%s: a lock a minute old (its holder gone with its machine) is taken over', async (_, skew) => {
    expect(await run(child, [lock(60_000), String(skew), String(STALE)])).toMatchObject({ code: 0, stdout: 'taken', stderr: '' })
  })
})
