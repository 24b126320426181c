/**
 * Vitest setupFile (run before each test file, also where files share a worker's modules): after
 * the file's tests, the tmpfs it mounted are unmounted, then the temp dirs it made with tempDir()
 * are removed (afterAll hooks run last registered first).
 */
import { afterAll } from 'vitest'
import { removeTempDirs } from '../helpers/tmp.js'
import { unmountTmpfs } from '../helpers/tmpfs.js'

afterAll(removeTempDirs)
afterAll(unmountTmpfs)
