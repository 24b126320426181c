/**
 * The renames that claim a file on Windows (rename-over.ts renameClaimSync, _fs-calls.ts renameClaim):
 * a stale lock moved onto its takeover claim, the history driver's noted runs and a Redis tier's
 * missed removals taken out of their files, a cache entry moved aside for its rewrite. An antivirus
 * or the indexer holding the file makes such a rename fail for a few ms with EPERM, EBUSY or EACCES:
 * on Windows it is retried (before: the lock was left for the next poll, the notes and removals for
 * the next run, the entry renamed over in place). ENOENT means another process got it (or there is
 * none): never retried. Elsewhere those codes are answers, thrown at once as before.
 * Each case is a real process (claim-rename-child.ts) with real files, process.platform set and the
 * failures injected in front of node's rename.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import { tempDir } from '../helpers/tmp.js'
import { bundle, run } from '../report/_child.js'

let child: string
beforeAll(async () => {
  child = await bundle('../runtime/fixtures/claim-rename-child.ts')
})

async function claimWith(platform: string, scenario: string, code: string, times: number): Promise<Record<string, unknown>> {
  const r = await run(child, [platform, scenario, tempDir('unperf-claim-'), code, String(times)])
  expect(r.code, r.stderr).toBe(0)
  return JSON.parse(r.stdout) as Record<string, unknown>
}

/** What each scenario's claim looks like done (on Windows, retried) and not done (elsewhere, or ENOENT). */
const CASES = [
  { scenario: 'lock', code: 'EPERM', done: { cleared: true, left: [] }, notDone: { cleared: false, left: ['history.jsonl.lock'] } },
  { scenario: 'pending', code: 'EBUSY', done: { taken: 1 }, notDone: { taken: 0 } },
  // not done: the new value renamed over the entry in place (the slow path on ext4, _fs-aside.ts), no aside left
  { scenario: 'aside', code: 'EACCES', done: { targetFree: true, value: 'new', left: ['entry'] }, notDone: { targetFree: false, value: 'new', left: ['entry'] } },
  { scenario: 'aside-async', code: 'EPERM', done: { targetFree: true, value: 'new', left: ['entry'] }, notDone: { targetFree: false, value: 'new', left: ['entry'] } },
  // done: the other process's clear applied and the file removed; not done: this process's own removal only, the file kept
  { scenario: 'missed', code: 'EBUSY', done: { entries: 0, fileLeft: false }, notDone: { entries: 1, fileLeft: true } },
]

describe('renames that claim a file, while a scanner holds it', { timeout: 30_000 }, () => {
  it.each(CASES)('$scenario on Windows: $code retried, the file claimed', async ({ scenario, code, done }) => {
    expect(await claimWith('win32', scenario, code, 3)).toEqual({ tries: 4, ...done })
  })

  it.each(CASES)('$scenario elsewhere: $code thrown at once, as before', async ({ scenario, code, notDone }) => {
    expect(await claimWith('linux', scenario, code, 3)).toEqual({ tries: 1, ...notDone })
  })

  it.each(CASES)('$scenario on Windows: ENOENT (another process got it) never retried', async ({ scenario, notDone }) => {
    const seen = await claimWith('win32', scenario, 'ENOENT', 3)
    // a lock whose rename says ENOENT is gone: worth another attempt (the caller's next tryLock meets the file)
    expect(seen).toEqual(scenario === 'lock' ? { tries: 1, cleared: true, left: ['history.jsonl.lock'] } : { tries: 1, ...notDone })
  })
})
