import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs'

/** A regular file of at most maxBytes, opened non-blocking (a FIFO cannot hang the step); checks on the open file. */
export function readRegularFile(path: string, maxBytes: number): string {
  const fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOFOLLOW)
  try {
    const stat = fstatSync(fd)
    if (!stat.isFile()) throw Object.assign(new Error('not a regular file'), { code: 'not a regular file' })
    const tooBig = () => Object.assign(new Error('too big'), { code: `larger than ${maxBytes} bytes` })
    if (stat.size > maxBytes) throw tooBig()
    // In chunks up to the cap (the file may grow after fstat): a small event must not cost a 25 MB buffer.
    const chunks: Buffer[] = []
    let length = 0
    for (let read = -1; read !== 0 && length <= maxBytes; length += read) {
      const chunk = Buffer.alloc(Math.min(64 * 1024, maxBytes + 1 - length))
      read = readSync(fd, chunk, 0, chunk.length, null)
      chunks.push(chunk.subarray(0, read))
    }
    if (length > maxBytes) throw tooBig()
    return Buffer.concat(chunks, length).toString('utf8')
  } finally {
    closeSync(fd)
  }
}
