import { driverSuite } from './_suite.js'
import { tempDir } from '../helpers/tmp.js'

// any unstorage driver by name, loaded lazily: the envelope gives it TTL, integrity and exact round-trips
driverSuite('unstorage lru-cache', { spec: () => ({ driver: 'lru-cache', options: {} }), dir: () => tempDir('unperf-drv-'), lru: false })
let dir = ''
driverSuite('unstorage fs-lite', { spec: () => ({ driver: 'fs-lite', options: { base: dir } }), dir: () => (dir = tempDir('unperf-drv-')), lru: false })
