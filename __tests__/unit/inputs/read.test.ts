import { readInputs } from '../../../src/inputs/read'
import { MIN_MASK_LENGTH } from '../../../src/model/credentials'
import { recorded, reset, world } from '../../support/doubles/actions-core'

describe('the masks readInputs registers', () => {
  beforeEach(reset)

  it('never registers one shorter than 4 characters: a mask "=" would hide every "=" in the job log', async () => {
    // A base64 secret not quoted whole: its last line reads as an id and the value "=".
    world.inputs = {
      tags: 'r.example/a:1',
      secrets: 'key=Zm9vYmFyYmF6cXV4Zm9vYmFyYmF6cXV4\nYmFzZTY0cGFkZGVkVmFsdWU==',
      'github-token': 'x'
    }
    await expect(readInputs()).rejects.toThrow(/^Input "secrets": entry 2 has a value shorter than 4/)
    expect(recorded.secrets).toContain('Zm9vYmFyYmF6cXV4Zm9vYmFyYmF6cXV4')
    expect(recorded.secrets.filter(secret => secret.trim().length < MIN_MASK_LENGTH)).toEqual([])
  })

  it('registers a multi-line secret whole and each line long enough to mask', async () => {
    world.inputs = { tags: 'r.example/a:1', secrets: '"key=line-one\nQ=="' }
    await readInputs()
    expect(recorded.secrets).toEqual(['line-one\nQ==', 'line-one'])
  })
})

describe('a user and password in the download URL', () => {
  it('are registered as secrets before anything logs', async () => {
    reset()
    world.inputs = {
      tags: 'r.example/a',
      'buildx-download-url': 'https://dl-user:Dl%2FS3cret@dl.example/{version}'
    }
    await readInputs()
    expect(recorded.secrets).toEqual(
      expect.arrayContaining(['dl-user:Dl%2FS3cret', 'Dl%2FS3cret', 'Dl/S3cret'])
    )
  })
})

describe('the signing secrets', () => {
  it('are registered before anything logs: each line of the key, the password as written, the token', async () => {
    reset()
    const key =
      '-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\neyJrZGYiOnsibmFtZSI6InNjcnlwdCJ9\nLCJjaXBoZXIiOnt9fQ==\n-----END ENCRYPTED SIGSTORE PRIVATE KEY-----\n'
    world.inputs = {
      tags: 'r.example/a:1',
      sign: 'true',
      'sign-key': key,
      'sign-key-password': '  spaced pw  ',
      'cosign-download-url': 'https://dl-user:C0sign%2Fpw@dl.example/{version}/cosign-{os}-{arch}{ext}'
    }
    const inputs = await readInputs()
    expect(recorded.secrets).toEqual(
      expect.arrayContaining([
        key.trim(),
        'eyJrZGYiOnsibmFtZSI6InNjcnlwdCJ9',
        'LCJjaXBoZXIiOnt9fQ==',
        '  spaced pw  ',
        'C0sign/pw'
      ])
    )
    expect(inputs.sign.keyPassword).toBe('  spaced pw  ')
  })

  it('registers no line of a sign-key that is not a key (refused unquoted): act reads a mask with "::" as a command', async () => {
    reset()
    world.inputs = { tags: 'r.example/a:1', sign: 'true', 'sign-key': 'AAAA\n::set-output name=x::1' }
    await expect(readInputs()).rejects.toThrow(
      /Input "sign-key": not a PEM private key \(got "\(not shown\)"\)/
    )
    expect(recorded.secrets.filter(secret => secret.includes('::'))).toEqual([])
  })

  it('masks a token before a refusal could quote anything', async () => {
    reset()
    world.inputs = { tags: 'r.example/a:1', sign: 'maybe', 'sigstore-identity-token': 'eyJhbGciOi.tok.sig' }
    await expect(readInputs()).rejects.toThrow(/Input "sign"/)
    expect(recorded.secrets).toContain('eyJhbGciOi.tok.sig')
  })
})
