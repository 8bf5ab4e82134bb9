import { execFileSync } from 'node:child_process'
import { createHash, generateKeyPairSync } from 'node:crypto'
import fc from 'fast-check'
import {
  isCosignPrivateKey,
  oidcIdentity,
  pemBlock,
  publicKeyFingerprint,
  shellCommand,
  shellWord,
  signTargets
} from '../../../src/model/signing'

const DIGEST = `sha256:${'ab'.repeat(32)}`
const jwt = (claims: object) =>
  ['{"alg":"none"}', JSON.stringify(claims), 'sig']
    .map(part => Buffer.from(part).toString('base64url'))
    .join('.')

describe('signTargets', () => {
  it('names the digest once in each repository of the tags, never a tag', () => {
    const tags = ['r.example/a:1', 'r.example/a:latest', 'r.example:5000/b/c:2', 'r.example/a@' + DIGEST]
    expect(signTargets(tags, DIGEST)).toEqual([`r.example/a@${DIGEST}`, `r.example:5000/b/c@${DIGEST}`])
  })
})

describe('keys', () => {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' })
  const pub = publicKey.export({ type: 'spki', format: 'pem' }).toString()
  const pkcs8 = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()

  it('takes the PEM private keys cosign reads, and nothing else', () => {
    const cosignKey = pkcs8.replaceAll('PRIVATE KEY', 'ENCRYPTED SIGSTORE PRIVATE KEY')
    expect(isCosignPrivateKey(pkcs8)).toBe(true)
    expect(isCosignPrivateKey(`\n${cosignKey}\n`)).toBe(true)
    expect(isCosignPrivateKey(pub)).toBe(false)
    expect(isCosignPrivateKey('cosign.key')).toBe(false)
    expect(isCosignPrivateKey('-----BEGIN PRIVATE KEY-----\nnot base64!\n-----END PRIVATE KEY-----')).toBe(
      false
    )
    expect(isCosignPrivateKey('-----BEGIN PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----')).toBe(false)
  })

  it('fingerprints the public key as sha256 of its DER form, as openssl does', () => {
    const der = publicKey.export({ type: 'spki', format: 'der' })
    expect(publicKeyFingerprint(pub)).toBe(createHash('sha256').update(der).digest('hex'))
    const openssl = execFileSync('sh', ['-c', 'openssl pkey -pubin -outform DER | sha256sum'], { input: pub })
    expect(publicKeyFingerprint(pub)).toBe(openssl.toString().split(' ')[0])
    expect(publicKeyFingerprint(pkcs8)).toBeUndefined()
    expect(publicKeyFingerprint('')).toBeUndefined()
  })

  it('reads a CRLF PEM block and skips header lines', () => {
    const crlf = pub.replaceAll('\n', '\r\n')
    expect(pemBlock(crlf)?.label).toBe('PUBLIC KEY')
    expect(publicKeyFingerprint(crlf)).toBe(publicKeyFingerprint(pub))
  })
})

describe('oidcIdentity', () => {
  it('names the workflow of a GitHub Actions token as Fulcio does', () => {
    const token = jwt({
      iss: 'https://token.actions.githubusercontent.com',
      sub: 'repo:o/r:ref:refs/heads/main',
      job_workflow_ref: 'o/r/.github/workflows/ci.yml@refs/heads/main'
    })
    expect(oidcIdentity(token, 'https://github.com/')).toEqual({
      identity: 'https://github.com/o/r/.github/workflows/ci.yml@refs/heads/main',
      issuer: 'https://token.actions.githubusercontent.com'
    })
  })
  it('takes the e-mail address, else the subject, of another issuer', () => {
    expect(oidcIdentity(jwt({ iss: 'https://idp.corp', sub: 'ci-bot', email: 'ci@corp' }))).toEqual({
      identity: 'ci@corp',
      issuer: 'https://idp.corp'
    })
    expect(oidcIdentity(jwt({ iss: 'https://idp.corp', sub: 'ci-bot' }))?.identity).toBe('ci-bot')
  })
  it.each([['not a jwt'], ['a.b.c'], [jwt({ sub: 'no issuer' })], [jwt({ iss: 'https://x', sub: 7 })]])(
    'is undefined for %j',
    token => {
      expect(oidcIdentity(token)).toBeUndefined()
    }
  )
})

describe('shellWord', () => {
  it('leaves plain words alone and quotes the rest', () => {
    expect(shellCommand(['cosign', 'verify', '--key', 'cosign.pub', `r.example:5000/a@${DIGEST}`])).toBe(
      `cosign verify --key cosign.pub r.example:5000/a@${DIGEST}`
    )
    expect(shellWord("it's $(rm -rf /)")).toBe(`'it'\\''s $(rm -rf /)'`)
    expect(shellWord('')).toBe("''")
  })
  it('gives back exactly the word when a shell reads it', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 40 }).filter(word => !word.includes('\0')),
        word => {
          const echoed = execFileSync('sh', ['-c', `printf '%s' ${shellWord(word)}`]).toString()
          expect(echoed).toBe(word)
        }
      ),
      { numRuns: 60 }
    )
  })
})
