import { expectTypeOf, it } from 'vitest'
import type { Driver } from 'unstorage'
import lru from 'unstorage/drivers/lru-cache'
import memory from 'unstorage/drivers/memory'
import { definePerfConfig, type StorageDriver } from '../../src/config/index.js'

it('any unstorage driver instance is a StorageDriver', () => {
  expectTypeOf<Driver>().toMatchTypeOf<StorageDriver>()
  definePerfConfig({ cache: { driver: ['memory', lru({ max: 100 }), memory()] } })
})
