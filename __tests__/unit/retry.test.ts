import { backoffMs, isTransient, retryTransient } from '../../src/retry'

describe('isTransient', () => {
  it.each([
    'ERROR: failed to push r:5000/a:1: failed to copy: unexpected status from PUT request to http://r:5000/v2/a/blobs/uploads/x: 503 Service Unavailable',
    'ERROR: failed to solve: failed to do request: Head "https://r/v2/a/manifests/1": read tcp 127.0.0.1:1->127.0.0.1:2: read: connection reset by peer',
    'ERROR: failed to push: failed to do request: Put "http://r/v2/x": http: server closed idle connection',
    'ERROR: failed to solve: DeadlineExceeded: context deadline exceeded',
    'ERROR: failed to push: unexpected status: 502 Bad Gateway'
  ])('retries %s', text => {
    expect(isTransient(text)).toBe(true)
  })
  it.each([
    'ERROR: failed to build: process "/bin/sh -c false" did not complete successfully: exit code: 1',
    'ERROR: failed to push: unexpected status from HEAD request to http://r/v2/a/blobs/sha256:1: 401 Unauthorized',
    'ERROR: failed to solve: busybox:nope: not found',
    'ERROR: failed to push: http: server gave HTTP response to HTTPS client',
    'ERROR: Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?',
    '#6 0.1 exec /bin/sh: exec format error\nERROR: failed to solve: process did not complete successfully: i/o timeout'
  ])('does not retry %s', text => {
    expect(isTransient(text)).toBe(false)
  })
})

describe('backoffMs', () => {
  it('doubles from the base and stops at 30 s', () => {
    expect([1, 2, 3, 10].map(attempt => backoffMs(attempt))).toEqual([2000, 4000, 8000, 30000])
  })
})

describe('retryTransient', () => {
  const transient = {
    exitCode: 1,
    stderr: 'ERROR: failed to push: unexpected status: 503 Service Unavailable'
  }
  const permanent = {
    exitCode: 1,
    stderr: 'ERROR: process "/bin/sh -c false" did not complete successfully: exit code: 1'
  }
  const ok = { exitCode: 0, stderr: '' }
  const noSleep = () => Promise.resolve()

  it('retries a transient failure until it succeeds, waiting with backoff', async () => {
    const results = [transient, transient, ok]
    const waits: number[] = []
    const result = await retryTransient(
      async count => results[count],
      3,
      (_retry, wait) => waits.push(wait),
      noSleep
    )
    expect(result).toBe(ok)
    expect(waits).toEqual([2000, 4000])
  })
  it('stops after the given number of retries', async () => {
    let attempts = 0
    await retryTransient(
      async () => (attempts++, transient),
      2,
      () => undefined,
      noSleep
    )
    expect(attempts).toBe(3)
  })
  it('does not retry a permanent failure', async () => {
    let attempts = 0
    const result = await retryTransient(
      async () => (attempts++, permanent),
      5,
      () => undefined,
      noSleep
    )
    expect(result).toBe(permanent)
    expect(attempts).toBe(1)
  })
})
