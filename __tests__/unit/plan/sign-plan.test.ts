import type { SignInputs } from '../../../src/inputs/sign-inputs'
import { buildRegistryModel } from '../../../src/model/registries'
import { planSign, registryFlags, secretEnv } from '../../../src/plan/sign-plan'

const DIGEST = `sha256:${'cd'.repeat(32)}`
const KEY =
  '-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\nc2VjcmV0LWtleS1ib2R5\n-----END ENCRYPTED SIGSTORE PRIVATE KEY-----'
const base: SignInputs = {
  requested: 'true',
  key: '',
  keyPassword: '',
  fulcioUrl: '',
  rekorUrl: '',
  identityToken: '',
  cosignVersion: 'v3.1.3',
  cosignDownloadUrl: ''
}
const PROXY = {
  HTTPS_PROXY: 'http://proxy.corp:3128',
  https_proxy: 'http://proxy.corp:3128',
  NO_PROXY: 'local'
}
const TAGS = ['reg.corp:5000/team/app:1', 'reg.corp:5000/team/app:latest', 'ghcr.io/o/app:1']
const model = buildRegistryModel([], ['reg.corp:5000'])
model.set('ghcr.io', { mirrors: [], ca: ['/etc/corp/ca.pem', '/etc/corp/other.pem'] })

/** Each repository of TAGS once, with the registry flags the model gives it. */
const TARGETS: [string[], string][] = [
  [['--allow-http-registry', '--allow-insecure-registry'], `reg.corp:5000/team/app@${DIGEST}`],
  [['--registry-cacert', '/etc/corp/ca.pem'], `ghcr.io/o/app@${DIGEST}`]
]

describe('planSign', () => {
  it('plans nothing for a step that does not sign', () => {
    expect(planSign(base, TAGS, model, PROXY, '/w')).toBeUndefined()
  })

  it('key mode: signs each repository@digest offline, the key only by reference to a variable', () => {
    const sign = { ...base, mode: 'key' as const, key: KEY, keyPassword: 'pw-9' }
    const plan = planSign(sign, TAGS, model, PROXY, '/w/run')!
    const offline = [
      'sign',
      '--yes',
      '--key',
      'env://COSIGN_SIGN_KEY',
      '--tlog-upload=false',
      '--use-signing-config=false'
    ]
    expect(plan.sign(DIGEST).map(call => call.args)).toEqual(
      TARGETS.map(([flags, ref]) => [...offline, ...flags, ref])
    )
    expect(plan.publicKey?.args).toEqual(['public-key', '--key', 'env://COSIGN_SIGN_KEY'])
    // The build's proxy, and Sigstore's trust-root cache inside the run's folder; nothing secret.
    expect(plan.env).toEqual({ ...PROXY, TUF_ROOT: '/w/run/sigstore' })
    const everything = JSON.stringify([plan.sign(DIGEST), plan.publicKey, plan.verify(DIGEST)])
    expect(everything).not.toContain('c2VjcmV0')
    expect(everything).not.toContain('pw-9')
    expect(secretEnv(sign, 'key', '')).toEqual({ COSIGN_SIGN_KEY: KEY, COSIGN_PASSWORD: 'pw-9' })
  })

  it('key mode: verifies with cosign.pub, no transparency log, and the same registry flags', () => {
    const plan = planSign({ ...base, mode: 'key', key: KEY }, TAGS, model, PROXY, '/w')!
    const withKey = ['cosign', 'verify', '--key', 'cosign.pub', '--insecure-ignore-tlog=true']
    expect(plan.verify(DIGEST)).toEqual(TARGETS.map(([flags, ref]) => [...withKey, ...flags, ref]))
  })

  it('keyless with the public instance: its signing config, the token by variable', () => {
    const sign = { ...base, mode: 'keyless' as const, identityToken: 'eyJ.tok.en' }
    const plan = planSign(sign, ['ghcr.io/o/app:1'], new Map(), {}, '/w')!
    expect(plan.publicKey).toBeUndefined()
    expect(plan.sign(DIGEST)[0].args).toEqual(['sign', '--yes', `ghcr.io/o/app@${DIGEST}`])
    expect(secretEnv(sign, 'keyless', 'eyJ.tok.en')).toEqual({ SIGSTORE_ID_TOKEN: 'eyJ.tok.en' })
    expect(JSON.stringify(plan.sign(DIGEST))).not.toContain('eyJ.tok.en')
    const identity = {
      identity: 'https://github.com/o/r/.github/workflows/ci.yml@refs/heads/main',
      issuer: 'https://iss'
    }
    expect(plan.verify(DIGEST, identity)[0]).toEqual([
      'cosign',
      'verify',
      '--certificate-identity',
      identity.identity,
      '--certificate-oidc-issuer',
      'https://iss',
      `ghcr.io/o/app@${DIGEST}`
    ])
  })

  it('keyless with your own Fulcio and Rekor: no signing config fetched, their URLs given, Rekor for verify', () => {
    const sign = {
      ...base,
      mode: 'keyless' as const,
      fulcioUrl: 'https://fulcio.corp',
      rekorUrl: 'https://rekor.corp'
    }
    const plan = planSign(sign, ['ghcr.io/o/app:1'], new Map(), {}, '/w')!
    expect(plan.sign(DIGEST)[0].args).toEqual([
      'sign',
      '--yes',
      '--use-signing-config=false',
      '--fulcio-url',
      'https://fulcio.corp',
      '--rekor-url',
      'https://rekor.corp',
      `ghcr.io/o/app@${DIGEST}`
    ])
    // A token whose claims cannot be read: placeholders, never a pattern that accepts any identity.
    expect(plan.verify(DIGEST)[0]).toEqual([
      'cosign',
      'verify',
      '--certificate-identity',
      'IDENTITY',
      '--certificate-oidc-issuer',
      'ISSUER',
      '--rekor-url',
      'https://rekor.corp',
      `ghcr.io/o/app@${DIGEST}`
    ])
  })
})

describe('registryFlags', () => {
  it('allows plain HTTP or unchecked TLS only for registries declared so', () => {
    const own = buildRegistryModel([], [])
    own.set('http.corp', { mirrors: [], http: true })
    expect(registryFlags(`http.corp/a@${DIGEST}`, own)).toEqual(['--allow-http-registry'])
    expect(registryFlags(`other.corp/a@${DIGEST}`, own)).toEqual([])
    expect(registryFlags(`reg.corp:5000/a@${DIGEST}`, own)).toEqual([])
    expect(registryFlags(`library/busybox@${DIGEST}`, model)).toEqual([])
  })
})
