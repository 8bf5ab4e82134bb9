import {
  maskCredentials,
  maskUrlUserInfo,
  maskUserInfo,
  proxyCredentialSecrets,
  stripUserInfo,
  urlCredentialSecrets
} from '../../../src/model/credentials'

describe('stripUserInfo', () => {
  it.each([
    ['http://bob:s3cret@proxy:3128', 'http://proxy:3128'],
    ['socks5h://u:p@ss@[::1]:1080', 'socks5h://[::1]:1080'],
    ['http://proxy:3128', 'http://proxy:3128'],
    ['localhost,.corp.example', 'localhost,.corp.example']
  ])('%s → %s', (value, stripped) => {
    expect(stripUserInfo(value)).toBe(stripped)
  })
  it('removes what maskUserInfo masks', () => {
    const value = 'http://u:a b/c@d@proxy:1'
    expect(maskUserInfo(value)).toBe('http://***@proxy:1')
    expect(stripUserInfo(value)).toBe('http://proxy:1')
  })
})

describe('maskCredentials', () => {
  it('masks each URL of a text and leaves the rest', () => {
    expect(maskCredentials('pull https://tok:x@ghcr.io/o/r failed; see user@host')).toBe(
      'pull https://***@ghcr.io/o/r failed; see user@host'
    )
    expect(maskUrlUserInfo('git://a@b@host/repo')).toBe('git://***@host/repo')
  })
})

describe('urlCredentialSecrets', () => {
  it('registers the token of a Git context, as written and decoded', () => {
    expect(urlCredentialSecrets(' https://x-access-token:t%40ken@github.com/o/r.git ').sort()).toEqual(
      ['t%40ken', 't@ken', 'x-access-token:t%40ken', 'x-access-token:t@ken'].sort()
    )
  })
  it('stops at the path: an "@" in the path or ref is not a password', () => {
    expect(urlCredentialSecrets('https://github.com/o/r.git#v1@main')).toEqual([])
    expect(urlCredentialSecrets('https://token@github.com/o/r.git#v1@main')).toEqual(['token'])
  })
  it('finds nothing in a path or a URL without user info', () => {
    expect(urlCredentialSecrets('.')).toEqual([])
    expect(urlCredentialSecrets('https://github.com/o/r.git')).toEqual([])
  })
})

describe('proxyCredentialSecrets', () => {
  it('takes the user info up to the last "@" and registers the whole value too', () => {
    expect(proxyCredentialSecrets('http://bob:a/b@c@proxy:3128')).toEqual([
      'http://bob:a/b@c@proxy:3128',
      'bob:a/b@c',
      'a/b@c'
    ])
  })

  it('registers a password that holds "@" whole', () => {
    expect(proxyCredentialSecrets('http://u:s3cr3t@pa55@p:1')).toContain('s3cr3t@pa55')
  })
  it('returns the URL, the user info and the raw and decoded password', () => {
    expect(proxyCredentialSecrets('http://bob:p%40ss@proxy:3128').sort()).toEqual(
      ['bob:p%40ss', 'bob:p@ss', 'http://bob:p%40ss@proxy:3128', 'p%40ss', 'p@ss'].sort()
    )
  })
  it('is empty without credentials', () => {
    expect(proxyCredentialSecrets('http://proxy:3128')).toEqual([])
  })
})

describe('maskUserInfo', () => {
  it.each([
    ['http://u:s3cr3t@pa55@p:1', 'http://***@p:1'],
    ['http://u:pa/ss@p:1', 'http://***@p:1'],
    ['http://u:pa ss@p:1', 'http://***@p:1'],
    ['u:pw@p:1', '***@p:1'],
    ['http://p:1', 'http://p:1']
  ])('masks all of %s', (value, masked) => {
    expect(maskUserInfo(value)).toBe(masked)
  })
})
