import type { SignInputs } from '../../../src/inputs/sign-inputs'
import type { SignFact } from '../../../src/model/facts'
import { describeCosign, signSummaryRows, verifyCommands } from '../../../src/report/sign-report'
import { summaryTables } from '../../../src/report/summary'

const DIGEST = `sha256:${'ef'.repeat(32)}`
const sign: SignInputs = {
  requested: 'true',
  mode: 'key',
  key: 'k',
  keyPassword: 'p',
  fulcioUrl: '',
  rekorUrl: '',
  identityToken: '',
  cosignVersion: 'v3.1.3',
  cosignDownloadUrl: ''
}
const PEM = '-----BEGIN PUBLIC KEY-----\nMFkwEw\n-----END PUBLIC KEY-----\n'
const fact: SignFact = {
  mode: 'key',
  signed: [`r.example/app@${DIGEST}`],
  verify: [
    ['cosign', 'verify', '--key', 'cosign.pub', '--insecure-ignore-tlog=true', `r.example/app@${DIGEST}`]
  ],
  publicKey: { pem: PEM, fingerprint: 'f'.repeat(64) },
  cosign: { source: 'downloaded', version: '3.1.3' }
}

describe('signSummaryRows', () => {
  it('adds nothing when sign is false', () => {
    expect(signSummaryRows({ ...sign, requested: 'false', mode: undefined }, undefined)).toEqual([])
  })
  it('says why auto did not sign', () => {
    expect(
      signSummaryRows(
        { ...sign, requested: 'auto', mode: undefined, autoSkipped: 'this step pushes no image' },
        undefined
      )
    ).toEqual([{ label: 'Signed', value: 'no (sign: auto: this step pushes no image)' }])
  })
  it('shows what was signed, the public key and its fingerprint, and the verify command', () => {
    const rows = signSummaryRows(sign, fact)
    expect(Object.fromEntries(rows.map(row => [row.label, row.value]))).toEqual({
      Signed: `r.example/app@${DIGEST} with the key, offline (no transparency log)`,
      'Public key fingerprint': `sha256:${'f'.repeat(64)}`,
      'Public key (cosign.pub)': PEM.trim(),
      'Verify with': `cosign verify --key cosign.pub --insecure-ignore-tlog=true r.example/app@${DIGEST}`,
      cosign: '3.1.3 (downloaded)'
    })
  })
  it('shows hostile words as text, quoted for a shell, and never as HTML', () => {
    const hostile: SignFact = {
      ...fact,
      mode: 'keyless',
      publicKey: undefined,
      verify: [
        ['cosign', 'verify', '--certificate-identity', "<img src=x onerror=alert(1)>'$(id)", 'r.example/a@x']
      ]
    }
    expect(verifyCommands(hostile)).toEqual([
      `cosign verify --certificate-identity '<img src=x onerror=alert(1)>'\\''$(id)' r.example/a@x`
    ])
    const html = JSON.stringify(summaryTables(signSummaryRows({ ...sign, mode: 'keyless' }, hostile), []))
    expect(html).not.toContain('<img')
    expect(html).toContain('&lt;img')
  })
  it('names where cosign came from', () => {
    expect(describeCosign({ source: 'runner', version: '3.0.2' })).toBe('3.0.2 (runner)')
    expect(describeCosign({ source: 'tool-cache', version: '3.1.3' })).toBe('3.1.3 (tool cache)')
  })
})
