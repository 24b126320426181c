import { suite } from './_work.mjs'

// 4 units of work over 2 tests
await suite('config', 4, 2)
