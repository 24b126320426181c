import { renameSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { encodeFileName, FsTier } from '../../src/drivers/fs.js'
import { driverSuite } from './_suite.js'
import { tempDir } from '../helpers/tmp.js'

let dir = ''
driverSuite('fs', { spec: () => ({ driver: 'fs', base: dir }), dir: () => (dir = tempDir('unperf-drv-')) })

describe('fs tier: keys()', () => {
  it('leaves out an entry under a name that is not its key\'s (an earlier build\'s hashed name): get() of its key would not find it', async () => {
    const d = join(tempDir('unperf-drv-keys-'), 'ns')
    const t = new FsTier(d, { compress: false, integrity: true })
    await t.set({ key: 'readable', value: 1, createdAt: Date.now(), expiresAt: null, staleFor: 0, size: 0 })
    await t.set({ key: 'kept', value: 2, createdAt: Date.now(), expiresAt: null, staleFor: 0, size: 0 })
    renameSync(join(d, encodeFileName('readable')), join(d, `~${'0'.repeat(64)}.e`))
    expect(await t.get('readable')).toBeNull()
    expect(await t.keys()).toEqual(['kept'])
    await t.close()
  })
})
