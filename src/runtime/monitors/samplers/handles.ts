/** Active libuv resources keeping the loop busy (process.getActiveResourcesInfo, unref'd timers excluded). */
import type { MonitorSample } from '../../../hooks/types.js'

export function readHandles(): NonNullable<MonitorSample['handles']> {
  return { active: process.getActiveResourcesInfo().length }
}
