/** What `fn` wrote to process.stderr in this process (unperf's warnings), and what it returned. */
export async function captureStderr<T>(fn: () => Promise<T>): Promise<{ text: string; value: T }> {
  const chunks: string[] = []
  const write = process.stderr.write.bind(process.stderr)
  process.stderr.write = ((chunk: string) => { chunks.push(String(chunk)); return true }) as typeof process.stderr.write
  try {
    const value = await fn()
    return { text: chunks.join(''), value }
  } finally {
    process.stderr.write = write
  }
}
