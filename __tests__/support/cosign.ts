import { execFileSync, spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync } from 'node:fs'
import { createServer } from 'node:http'
import { join } from 'node:path'
import { NO_PROXY_ENV, stack } from './e2e'
import { listenOnLoopback } from './loopback-server'

// cosign on the stack, for the signing tests: the binary, key pairs, `cosign verify` as a user runs it, and a
// mirror of cosign's releases.

/** The stack's cosign (stack/up builds it), or the one built beside it with `go install` before the stack had it. */
export const COSIGN =
  [stack.STACK_COSIGN, '/var/tmp/cosign-try/bin/cosign'].find(path => path && existsSync(path)) ?? ''

export function requireCosign(): void {
  if (COSIGN === '') throw new Error('No cosign: run "bash stack/up" (it builds cosign into STACK_COSIGN).')
}

export interface KeyPair {
  key: string
  pub: string
  password: string
}

/** A cosign key pair with its own password, written by `cosign generate-key-pair` in a new folder under work. */
export function keyPair(work: string, name: string, run: string): KeyPair {
  const dir = join(work, name)
  mkdirSync(dir)
  const password = `pw-${name}-${run}-Xq7`
  execFileSync(COSIGN, ['generate-key-pair'], {
    cwd: dir,
    env: { ...process.env, COSIGN_PASSWORD: password },
    stdio: 'ignore'
  })
  return { key: readFileSync(join(dir, 'cosign.key'), 'utf8'), pub: join(dir, 'cosign.pub'), password }
}

/** The key's secret parts as they could leak: its whole text, each body line, the password. */
export function secretsOf(pair: KeyPair): string[] {
  const lines = pair.key.split('\n').filter(line => line.length >= 16 && !line.startsWith('-----'))
  return [pair.key.trim(), ...lines, pair.password]
}

/** Runs `cosign verify` as a user would, with the step's kind of settings given as variables; never throws. */
export function verify(home: string, args: string[], env: Record<string, string> = {}) {
  const result = spawnSync(COSIGN, ['verify', ...args], {
    env: { ...process.env, ...NO_PROXY_ENV, HOME: home, ...env },
    encoding: 'utf8',
    timeout: 120_000
  })
  return { code: result.status, out: `${result.stdout}${result.stderr}` }
}

/**
 * A mirror of cosign's releases on loopback: this cosign as v3.1.3 for linux/amd64 and the cosign_checksums.txt
 * that lists it, as a release does. `url` takes the place of `https://HOST/cosign` in a download URL template.
 */
export async function cosignMirror(): Promise<{ url: string; served: string[]; close: () => Promise<void> }> {
  const binary = readFileSync(COSIGN)
  const sum = createHash('sha256').update(binary).digest('hex')
  const served: string[] = []
  const server = createServer((request, response) => {
    served.push(request.url ?? '')
    if (request.url === '/cosign/v3.1.3/cosign_checksums.txt') response.end(`${sum}  cosign-linux-amd64\n`)
    else if (request.url === '/cosign/v3.1.3/cosign-linux-amd64') response.end(binary)
    else response.writeHead(404).end()
  })
  const port = await listenOnLoopback(server)
  return {
    url: `http://127.0.0.1:${port}/cosign`,
    served,
    close: () => new Promise<void>(resolve => server.close(() => resolve()))
  }
}
