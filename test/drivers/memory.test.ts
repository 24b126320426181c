import { driverSuite } from './_suite.js'
import { tempDir } from '../helpers/tmp.js'

driverSuite('memory', { spec: () => ({ driver: 'memory' }), dir: () => tempDir('unperf-drv-') })
