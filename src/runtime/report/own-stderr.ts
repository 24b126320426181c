/**
 * unperf's own output at the end of a run (the summary) on stderr, where the reader may be gone:
 * `cli 2>&1 | head -1` closes the pipe after the CLI's first line, and the summary written after
 * the CLI's output then fails with EPIPE. Nobody listens for errors on process.stderr, so node
 * would end the process of it: exit 1 (and a stack trace nobody sees) for a CLI that succeeded,
 * after its report said 0. An EPIPE on that write is unperf's to drop: the reader has left and
 * the summary has nowhere to go. Any other error on stderr goes on as before (uncaught when the
 * host has no listener of its own).
 */
export function writeOwnStderr(text: string): void {
  const stream = process.stderr
  // ended by the host (a write now would be an error of unperf's making) or gone
  if (stream.destroyed || stream.writableEnded) return
  const onError = (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') return
    // no listener but this one: uncaught, as without it
    if (stream.listenerCount('error') === 1) throw error
  }
  // the write's callback runs before the stream emits the error: the listener stays until the
  // stream has closed of it, or goes once the write has gone through
  stream.on('error', onError)
  const release = () => {
    stream.removeListener('error', onError)
    stream.removeListener('close', release)
  }
  stream.once('close', release)
  stream.write(text, (error) => { if (!error) release() })
}
