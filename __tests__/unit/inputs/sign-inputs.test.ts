import { generateKeyPairSync } from 'node:crypto'
import { InputError } from '../../../src/model/input-error'
import { inputsOf, PUSHABLE } from '../../support/inputs'
import { parseInputs } from '../../../src/inputs/parse'
import { inputSource } from '../../support/inputs'

const KEY = generateKeyPairSync('ec', { namedCurve: 'P-256' })
  .privateKey.export({ type: 'pkcs8', format: 'pem' })
  .toString()
  .replaceAll('PRIVATE KEY', 'ENCRYPTED SIGSTORE PRIVATE KEY')
const OIDC = {
  ACTIONS_ID_TOKEN_REQUEST_URL: 'https://runner.example/token',
  ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'tkn'
}

const withEnv = (values: Record<string, string>, env: Record<string, string>) =>
  parseInputs({ ...inputSource(values, env), defaultBuilderName: 'b1' })

function inputError(run: () => unknown): InputError {
  try {
    run()
  } catch (error) {
    if (error instanceof InputError) return error
    throw error
  }
  throw new Error('no InputError')
}

describe('sign', () => {
  it('is off by default, whatever else is set', () => {
    const { sign } = inputsOf({ ...PUSHABLE, 'sign-key': 'not a key' })
    expect(sign.requested).toBe('false')
    expect(sign.mode).toBeUndefined()
  })

  it('signs with the key, offline, when one is given', () => {
    const { sign } = withEnv(
      { ...PUSHABLE, sign: 'true', 'sign-key': KEY, 'sign-key-password': ' pw ' },
      OIDC
    )
    expect(sign).toMatchObject({ requested: 'true', mode: 'key', key: KEY.trim(), keyPassword: ' pw ' })
  })

  it('signs keyless with a token given, or with the runner GitHub OIDC', () => {
    expect(inputsOf({ ...PUSHABLE, sign: 'true', 'sigstore-identity-token': 'eyJ.x.y' }).sign.mode).toBe(
      'keyless'
    )
    expect(withEnv({ ...PUSHABLE, sign: 'TRUE' }, OIDC).sign.mode).toBe('keyless')
  })

  it('auto signs when an index is pushed and a way to sign is there, and says why not otherwise', () => {
    expect(withEnv({ ...PUSHABLE, sign: 'auto' }, OIDC).sign.mode).toBe('keyless')
    const none = inputsOf({ ...PUSHABLE, sign: 'auto' }).sign
    expect(none.mode).toBeUndefined()
    expect(none.autoSkipped).toMatch(/no way to sign is configured.*id-token: write/)
    const noPush = withEnv({ ...PUSHABLE, sign: 'auto', push: 'false' }, OIDC).sign
    expect([noPush.mode, noPush.autoSkipped]).toEqual([undefined, 'this step pushes no image'])
    const check = withEnv({ ...PUSHABLE, sign: 'auto', call: 'check' }, OIDC).sign
    expect(check.mode).toBeUndefined()
    const leg = withEnv(
      { tags: 'r.example/app', 'push-by-digest': 'true', sign: 'auto', 'sign-key': KEY },
      {}
    ).sign
    expect(leg.mode).toBeUndefined()
    expect(leg.autoSkipped).toMatch(/merge step signs the merged index/)
  })

  it('signs the merged index of a merge step', () => {
    const merge = {
      tags: 'r.example/app:1',
      'merge-digests': `sha256:${'a'.repeat(64)}`,
      sign: 'true',
      'sign-key': KEY
    }
    expect(inputsOf(merge).sign.mode).toBe('key')
  })

  it('true fails before anything runs when there is no way to sign, or nothing to sign, naming the fix', () => {
    const noWay = inputError(() => inputsOf({ ...PUSHABLE, sign: 'true' }))
    expect(noWay.input).toBe('sign')
    expect(noWay.message).toMatch(/no way to sign.*Set sign-key.*id-token: write.*sigstore-identity-token/)
    const noPush = inputError(() => inputsOf({ ...PUSHABLE, sign: 'true', push: 'false', 'sign-key': KEY }))
    expect(noPush.message).toMatch(/nothing to sign: this step pushes no image/)
    const leg = inputError(() =>
      inputsOf({ tags: 'r.example/app', 'push-by-digest': 'true', sign: 'true', 'sign-key': KEY })
    )
    expect(leg.message).toMatch(/one leg of a split build.*the merge step/)
  })

  it.each(['yes', 'on', '1', 'true\n'])('refuses sign: %j', value => {
    expect(inputError(() => inputsOf({ ...PUSHABLE, sign: `${value}x` })).message).toMatch(
      /not true, false or auto/
    )
  })
})

describe('sign-key', () => {
  it.each([
    ['a path', './keys/signing-key.pem'],
    ['a public key', '-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----'],
    ['an unterminated key', KEY.split('\n').slice(0, 3).join('\n')]
  ])('refuses %s without quoting it', (_, key) => {
    const error = inputError(() => inputsOf({ ...PUSHABLE, sign: 'true', 'sign-key': key }))
    expect(error.input).toBe('sign-key')
    expect(error.message).toContain('(got "(not shown)")')
    for (const line of key.split('\n').filter(line => line.length > 8))
      expect(error.message).not.toContain(line)
  })
})

describe('sigstore-fulcio-url and sigstore-rekor-url', () => {
  const keyless = { ...PUSHABLE, sign: 'true', 'sigstore-identity-token': 'eyJ.x.y' }
  it('take a base URL, https or loopback http, and drop a trailing slash', () => {
    const { sign } = inputsOf({
      ...keyless,
      'sigstore-fulcio-url': 'https://fulcio.corp/',
      'sigstore-rekor-url': 'http://127.0.0.1:3000'
    })
    expect([sign.fulcioUrl, sign.rekorUrl]).toEqual(['https://fulcio.corp', 'http://127.0.0.1:3000'])
  })
  it.each([
    ['sigstore-fulcio-url', 'fulcio.corp', /not an http\(s\) URL/],
    ['sigstore-fulcio-url', 'http://fulcio.corp', /plain http to fulcio.corp/],
    ['sigstore-rekor-url', 'https://u:secret@rekor.corp', /holds a user or password/],
    ['sigstore-rekor-url', 'https://rekor.corp/?x=1', /query or fragment/],
    ['sigstore-rekor-url', 'https://rekor.corp/ --insecure', /not an http\(s\) URL/]
  ])('refuse %s %j', (input, value, message) => {
    const error = inputError(() => inputsOf({ ...keyless, [input]: value }))
    expect(error.input).toBe(input)
    expect(error.message).toMatch(message)
    expect(error.message).not.toContain('secret')
  })
})

describe('cosign-version and cosign-download-url', () => {
  it('default to the pinned release', () => {
    const { sign } = inputsOf(PUSHABLE)
    expect(sign.cosignVersion).toBe('v3.1.3')
    expect(sign.cosignDownloadUrl).toContain('{version}/cosign-{os}-{arch}{ext}')
  })
  it('refuse what is not a version or a usable template, naming the input', () => {
    expect(inputError(() => inputsOf({ ...PUSHABLE, 'cosign-version': 'latest' })).input).toBe(
      'cosign-version'
    )
    expect(
      inputError(() => inputsOf({ ...PUSHABLE, 'cosign-download-url': 'https://m.corp/{nope}' })).input
    ).toBe('cosign-download-url')
  })
})
