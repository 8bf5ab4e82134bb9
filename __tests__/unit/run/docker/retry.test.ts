import fc from 'fast-check'
import { backoffMs, isTransient, retry, retryTransient } from '../../../../src/run/docker/retry'

describe('isTransient', () => {
  it.each([
    'ERROR: failed to push r:5000/a:1: failed to copy: unexpected status from PUT request to http://r:5000/v2/a/blobs/uploads/x: 503 Service Unavailable',
    'ERROR: failed to solve: failed to do request: Head "https://r/v2/a/manifests/1": read tcp 127.0.0.1:1->127.0.0.1:2: read: connection reset by peer',
    'ERROR: failed to push: failed to do request: Put "http://r/v2/x": http: server closed idle connection',
    'ERROR: failed to solve: DeadlineExceeded: context deadline exceeded',
    'ERROR: failed to push: unexpected status: 502 Bad Gateway',
    // Captured on the stack: two split legs pushing the same base layer to one repository at once.
    [
      'ERROR: failed to build: failed to solve: failed to push 127.0.0.1:5000/examples-mxa3931vtgpk/split-reusable-failures: errors:',
      'unknown: provided digest did not match uploaded content',
      'unknown: blob unknown to registry - sha256:864a2bf5352f9c5cca4d2bd42ade6967118b85b3002f1bdd97bc01c87506374d',
      ''
    ].join('\n')
  ])('retries %s', text => {
    expect(isTransient(text)).toBe(true)
  })
  it.each([
    'ERROR: failed to build: process "/bin/sh -c false" did not complete successfully: exit code: 1',
    'ERROR: failed to push: unexpected status from HEAD request to http://r/v2/a/blobs/sha256:1: 401 Unauthorized',
    'ERROR: failed to solve: busybox:nope: not found',
    'ERROR: failed to push: http: server gave HTTP response to HTTPS client',
    'ERROR: Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?',
    '#6 0.1 exec /bin/sh: exec format error\nERROR: failed to solve: process did not complete successfully: i/o timeout',
    'ERROR: failed to push r:5000/a: errors:\nunknown: blob unknown to registry\ndenied: requested access to the resource is denied'
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

describe('retry', () => {
  const noSleep = () => Promise.resolve()
  const failed = (reason: string) => ({ exitCode: 1, reason })
  it('waits from the base delay it is given, doubling, for as many retries as it is given', async () => {
    const waits: number[] = []
    let attempts = 0
    const result = await retry(async () => (attempts++, failed('timeout')), {
      retries: 2,
      baseMs: 2000,
      retryable: () => true,
      sleep: async ms => waits.push(ms)
    })
    expect(result).toEqual(failed('timeout'))
    expect(attempts).toBe(3)
    expect(waits).toEqual([2000, 4000])
  })
  it('stops at the first result that is not retryable, and at a success', async () => {
    const results = [failed('timeout'), failed('manifest unknown'), failed('timeout')]
    const seen: number[] = []
    const result = await retry(async count => (seen.push(count), results[count]), {
      retries: 5,
      retryable: ({ reason }) => reason !== 'manifest unknown',
      sleep: noSleep
    })
    expect(result.reason).toBe('manifest unknown')
    expect(seen).toEqual([0, 1])
    const ok = await retry(async count => (count === 1 ? { exitCode: 0, reason: '' } : failed('x')), {
      retries: 5,
      retryable: () => true,
      sleep: noSleep
    })
    expect(ok.exitCode).toBe(0)
  })
})

describe('isTransient on hostile and long output', () => {
  it('reads a 5xx and its word on one line, however many 5xx come first', () => {
    expect(isTransient(`ERROR: ${'500 '.repeat(20_000)}`)).toBe(false)
    expect(isTransient(`ERROR: ${'500 '.repeat(1000)}Bad Gateway`)).toBe(true)
    expect(isTransient(`ERROR: Bad Gateway ${'500 '.repeat(1000)}`)).toBe(false)
    expect(isTransient('ERROR: failed to push: 503\nService Unavailable')).toBe(false)
  })
  it('finds the failure at the end of a log of many lines, and no CR gets in the way', () => {
    const log = `${'#5 0.1 ok\r\n'.repeat(30_000)}ERROR: failed to push: unexpected status: 502 Bad Gateway\r\n`
    expect(isTransient(log)).toBe(true)
  })
})

/** isTransient as it was: the relevant lines joined, one regex each. */
function oldIsTransient(output: string): boolean {
  const TRANSIENT =
    /\b50[0-4]\b[^\n]*(Service Unavailable|Bad Gateway|Gateway Timeout|Internal Server Error|status)|unexpected status[^\n]*: 50[0-4]|connection reset by peer|broken pipe|i\/o timeout|TLS handshake timeout|server closed idle connection|unexpected EOF|: EOF\b|context deadline exceeded|no such host/i
  const PERMANENT =
    /did not complete successfully|exec format error|40[134]\b|denied|insufficient_scope|not found|manifest unknown|failed to parse|HTTP response to HTTPS client|x509|invalid|Cannot connect to the Docker daemon/i
  const relevant = output
    .split('\n')
    .filter(line => /ERROR|error|failed/.test(line))
    .join('\n')
  return TRANSIENT.test(relevant) && !PERMANENT.test(relevant)
}

it.each<[string, boolean]>([
  ['ERROR: 500 status', true],
  ['ERROR: 504 x Gateway Timeout', true],
  ['ERROR: 5000 status', false],
  ['ERROR: status 500', false],
  ['ERROR: unexpected status x: 503', true],
  ['ERROR: unexpected status x: 505', false],
  ['ERROR: : 505 unexpected status', false],
  ['ERROR: broken pipe', true],
  ['ERROR: read: EOF', true],
  ['ERROR: read: EOFx', false],
  ['ERROR: tls handshake TIMEOUT', true],
  ['ERROR: server closed idle connection', true],
  ['ERROR: unexpected EOF', true],
  ['ERROR: context deadline exceeded', true],
  ['failed: no such host', true],
  ['info: no such host', false],
  ['ERROR: no such host\nfailed: 404', false],
  ['ERROR: i/o timeout\r\nfailed: denied', false]
])('decides %j as the one-regex version did (%s)', (text, expected) => {
  expect(oldIsTransient(text)).toBe(expected)
  expect(isTransient(text)).toBe(expected)
})

it('decides as the one-regex version did, on any short mix of the texts it looks for', () => {
  const tokens = [
    ' ',
    'x',
    '5',
    ': ',
    '500',
    '503',
    '505',
    '5000',
    'Service Unavailable',
    'bad gateway',
    'status'
  ]
  tokens.push('unexpected status', ': 502', ': EOF', 'EOFx', 'unexpected EOF', 'broken pipe', 'no such host')
  tokens.push('i/o timeout', 'denied', '401', '4040', 'x509', 'not found')
  const line = fc
    .tuple(
      fc.constantFrom('ERROR: ', 'error: ', 'failed ', 'info '),
      fc.array(fc.constantFrom(...tokens), { maxLength: 6 })
    )
    .map(([prefix, parts]) => prefix + parts.join(''))
  const text = fc
    .tuple(fc.array(line, { minLength: 1, maxLength: 3 }), fc.constantFrom('\n', '\r\n'))
    .map(([lines, separator]) => lines.join(separator))
  fc.assert(
    fc.property(text, output => {
      expect(isTransient(output)).toBe(oldIsTransient(output))
    }),
    { numRuns: 3000, seed: 20261201 }
  )
})
