import { compile, examinedLines, matches } from '../../model/diagnosis'

/**
 * Whether a failed buildx command may succeed when run again: network hiccups and 5xx answers from a
 * registry, mirror or proxy. Everything else (a failing RUN step, 401/403, a missing image, a bad config)
 * fails the same way again, so it is not retried. Read line by line with the steps of model/diagnosis.ts, so a
 * hostile log costs one pass (`50[0-4][^\n]*(…)` on a line of "500 500 …" took over a second).
 */
const TRANSIENT = compile(
  [
    [/\b50[0-4]\b/, /Service Unavailable|Bad Gateway|Gateway Timeout|Internal Server Error|status/],
    ['unexpected status', /: 50[0-4]/],
    ['connection reset by peer'],
    ['broken pipe'],
    ['i/o timeout'],
    ['TLS handshake timeout'],
    ['server closed idle connection'],
    ['unexpected EOF'],
    [/: EOF\b/],
    ['context deadline exceeded'],
    ['no such host'],
    // Two pushes of one blob to one repository at once (split legs sharing a base layer): the registry can
    // compare one upload with the other's half-written file. Pushed again, the blob is there.
    ['provided digest did not match uploaded content'],
    ['blob unknown to registry']
  ],
  true
)
/**
 * What fails the same way however often it is tried (a missing image or tag, refused access, a bad certificate):
 * the one rule for every retry of this action. Alternatives of literals (and one short run): linear on any line.
 */
const PERMANENT =
  /did not complete successfully|exec format error|40[134]\b|denied|insufficient_scope|not found|manifest unknown|does not exist|failed to parse|HTTP response to HTTPS client|x509|invalid|Cannot connect to the Docker daemon/i

export function isPermanent(line: string): boolean {
  return PERMANENT.test(line)
}

export function isTransient(output: string): boolean {
  const relevant = failureLines(examinedLines(output))
  return relevant.some(line => matches(line.toLowerCase(), TRANSIENT)) && !relevant.some(isPermanent)
}

/**
 * The lines that say what failed: those with ERROR, error or failed, and the registry's own errors, which come on
 * lines of their own (`<code>: <message>`) after one ending `errors:`.
 */
function failureLines(lines: string[]): string[] {
  let inList = false
  return lines.filter(line => {
    const kept = /ERROR|error|failed/.test(line) || (inList && /^\s*[a-z_]{1,30}: /.test(line))
    inList = /errors:\s*$/.test(line) || (inList && kept)
    return kept
  })
}

/** Seconds to wait before retry `attempt` (1-based): 2, 4, 8, … capped at 30. */
export function backoffMs(attempt: number, baseMs = 2000): number {
  return Math.min(baseMs * 2 ** (attempt - 1), 30_000)
}

export interface RetryPolicy<T> {
  /** Runs after the first, at most. */
  retries: number
  /** Whether a failed result may succeed when run again. */
  retryable: (result: T) => boolean
  /** The first wait; each one after doubles it (see backoffMs). */
  baseMs?: number
  /** Told before each wait. */
  onRetry?: (retry: number, waitMs: number) => void
  sleep?: (ms: number) => Promise<unknown>
}

/**
 * Runs `attempt` and runs it again, up to `policy.retries` times with backoff, while it fails (non-zero exit)
 * in a way `policy.retryable` says may pass. `attempt` gets the attempt number (0 first).
 */
export async function retry<T extends { exitCode: number }>(
  attempt: (count: number) => Promise<T>,
  policy: RetryPolicy<T>
): Promise<T> {
  const sleep = policy.sleep ?? (ms => new Promise(resolve => setTimeout(resolve, ms)))
  let result = await attempt(0)
  for (let count = 1; result.exitCode !== 0 && count <= policy.retries && policy.retryable(result); count++) {
    const wait = backoffMs(count, policy.baseMs)
    policy.onRetry?.(count, wait)
    await sleep(wait)
    result = await attempt(count)
  }
  return result
}

/** A buildx command run again while it fails with a transient error (see isTransient). */
export function retryTransient<T extends { exitCode: number; stderr: string }>(
  attempt: (count: number) => Promise<T>,
  retries: number,
  onRetry: (retry: number, waitMs: number) => void,
  sleep?: (ms: number) => Promise<unknown>
): Promise<T> {
  return retry(attempt, { retries, retryable: result => isTransient(result.stderr), onRetry, sleep })
}
