import { describeRedis, redisUrl } from '../helpers/redis.js'
import { driverSuite } from './_suite.js'
import { tempDir } from '../helpers/tmp.js'

describeRedis('redis', () => {
  driverSuite('redis', { spec: () => ({ driver: 'redis', url: redisUrl! }), dir: () => tempDir('unperf-drv-'), lru: false })
})
