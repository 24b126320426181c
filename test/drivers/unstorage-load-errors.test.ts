/**
 * `{ driver: '<name>' }` when `unstorage/drivers/<name>` does not load: the message says what to do.
 * It said `needs the package 'unstorage/drivers/<name> (and its peer dependency)': install it (npm i
 * unstorage/drivers/<name> (and its peer dependency))` both for a driver whose package is missing and
 * for a name unstorage does not have (a typo); `npm i unstorage/drivers/x` installs a GitHub repo.
 */
import { describe, expect, it } from 'vitest'
import { loadUnstorageDriver } from '../../src/drivers/unstorage.js'

describe('loading an unstorage driver by name', () => {
  it("names the package a driver needs (unstorage's 'mongodb' driver imports mongodb, not installed here)", async () => {
    const error = await loadUnstorageDriver('mongodb', {}).then(() => undefined, (e: unknown) => e)
    expect(error).toMatchObject({ name: 'MissingDependencyError', code: 'E_MISSING_DEP' })
    expect((error as Error).message).toBe(`[unperf] cache.driver 'mongodb' needs the package 'mongodb': install it (npm i mongodb) or remove cache.driver 'mongodb' from perf.config`)
  })

  it('says unstorage has no driver of a misspelt name, with the closest one', async () => {
    const error = await loadUnstorageDriver('lru-cach', {}).then(() => undefined, (e: unknown) => e)
    expect(error).toMatchObject({ name: 'PerfError', code: 'E_DRIVER' })
    expect((error as Error).message).toMatch(/^\[unperf\] unknown cache driver 'lru-cach': unstorage has no driver of that name; did you mean 'lru-cache'\? \(its drivers: azure-app-configuration, .*fs-lite, .*\)/)
    expect((error as Error).message).not.toContain('npm i')
  })

  it('loads one that is there', async () => {
    expect(typeof (await loadUnstorageDriver('lru-cache', {})).getItem).toBe('function')
  })
})
