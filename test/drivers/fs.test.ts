import { driverSuite } from './_suite.js'
import { tempDir } from '../helpers/tmp.js'

let dir = ''
driverSuite('fs', { spec: () => ({ driver: 'fs', base: dir }), dir: () => (dir = tempDir('unperf-drv-')) })
