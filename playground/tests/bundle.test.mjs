import { suite } from './_work.mjs'

// 60 units of work over 4 tests
await suite('bundle', 60, 4)
