import { defineConfig } from 'vitest/config'
import { ISOLATED, OWN_PROCESS, SERIAL, SERIAL_ISOLATED } from './test/setup/projects.js'

/**
 * Five projects (their files: test/setup/projects.ts). 'own-process', 'restored' and 'shared' run
 * together on two workers (one worker took CI to ≈ 16.5 of its 20 minutes): 'shared' holds the files
 * that leave their process as they found it, run one after the other in a worker's process;
 * 'restored' the files that do not (ISOLATED), also one after the other in a worker's process, with
 * what each changed put back after it (test/setup/restore-process.ts); 'own-process' those of them
 * that need a process of their own (OWN_PROCESS). Then 'serial' (SERIAL), one file at a time in one
 * process (as 'shared', modules kept), then 'serial-isolated' (SERIAL_ISOLATED), one file at a time,
 * each in a process of its own.
 */
export default defineConfig({
  test: {
    globalSetup: ['test/setup/cache-home.ts', 'test/setup/no-forced-color.ts', 'test/setup/redis.ts'],
    setupFiles: ['test/setup/temp-dirs.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    projects: [
      {
        extends: true,
        test: {
          name: 'own-process',
          include: OWN_PROCESS,
          maxWorkers: 2,
          sequence: { groupOrder: 0 },
          // the type tests: one tsc run after every other file. CI type-checks src and tests before
          // (.ci/run: npm run typecheck, this tsconfig), where a failing type test already fails it,
          // and says so with UNPERF_TYPECHECKED=1: the run again here cost CI ≈ 12 s for nothing
          typecheck: { enabled: process.env.UNPERF_TYPECHECKED !== '1', include: ['test/**/*.test-d.ts'], tsconfig: './tsconfig.test.json', ignoreSourceErrors: true },
        },
      },
      {
        // on the same two workers (same groupOrder and maxWorkers), file after file in a worker's
        // process as 'shared', but each file's changes of its process put back after it and every
        // module evaluated anew for the next (its afterAll runs after the file's own hooks)
        extends: true,
        test: {
          name: 'restored',
          include: ISOLATED,
          exclude: OWN_PROCESS,
          isolate: false,
          setupFiles: ['test/setup/restore-process.ts'],
          maxWorkers: 2,
          sequence: { groupOrder: 0 },
        },
      },
      {
        // on the same two workers as 'own-process' (same groupOrder and maxWorkers), but a worker runs file
        // after file in one process, modules kept: no fork and no re-import per file (test/setup/projects.ts)
        extends: true,
        test: {
          name: 'shared',
          include: ['test/**/*.test.ts'],
          exclude: [...SERIAL, ...ISOLATED],
          isolate: false,
          maxWorkers: 2,
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: {
          name: 'serial',
          include: SERIAL,
          exclude: SERIAL_ISOLATED,
          isolate: false,
          fileParallelism: false,
          sequence: { groupOrder: 1 },
        },
      },
      {
        extends: true,
        test: {
          name: 'serial-isolated',
          include: SERIAL_ISOLATED,
          fileParallelism: false,
          sequence: { groupOrder: 2 },
        },
      },
    ],
  },
})
