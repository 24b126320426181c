/**
 * A promise bounded in time: rejects with `message` once `ms` have passed. The timer is ref'd on
 * purpose: what is awaited may hold no handle of its own (an unref'd socket, an exporter's unref'd
 * timer), and with nothing else pending an unref'd timer let `await perf.close()` end the process
 * mid-close, so the code after close() never ran. It keeps the process up for at most `ms`.
 */
export async function bounded<T>(p: Promise<T>, ms: number, message = `timed out after ${ms}ms`): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  try {
    return await Promise.race([p, new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(message)), ms) })])
  } finally {
    if (timer) clearTimeout(timer)
  }
}
