import { proxyCredentialSecrets } from '../../src/model/credentials'
import { parseNoProxy } from '../../src/model/no-proxy'
import { parseProxyUrl, proxyEnvironment } from '../../src/model/proxy'

describe('parseProxyUrl', () => {
  it('adds http:// to a bare host:port as Go does', () => {
    expect(parseProxyUrl('http-proxy', 'proxy.corp:3128')).toEqual({
      url: 'http://proxy.corp:3128',
      hostname: 'proxy.corp',
      display: 'http://proxy.corp:3128'
    })
  })
  it('masks credentials in the display form', () => {
    const proxy = parseProxyUrl('https-proxy', 'http://alice:p%40ss@127.0.0.1:8888/')
    expect(proxy.url).toBe('http://alice:p%40ss@127.0.0.1:8888')
    expect(proxy.display).toBe('http://***@127.0.0.1:8888')
    expect(proxy.hostname).toBe('127.0.0.1')
  })
  it('reads IPv6 hosts without brackets', () => {
    expect(parseProxyUrl('http-proxy', 'http://[::1]:3128').hostname).toBe('::1')
  })
  it.each(['ftp://p:21', 'http://', 'http://p:3128/path', 'http://p:99999', 'http://p:3128?x=1'])(
    'rejects %s',
    value => {
      expect(() => parseProxyUrl('http-proxy', value)).toThrow(/Input "http-proxy"/)
    }
  )
  it('never puts the password of a bad URL in the message', () => {
    expect(() => parseProxyUrl('http-proxy', 'ftp://bob:hunter22@p:21')).toThrow(/ftp:\/\/\*\*\*@p:21/)
    try {
      parseProxyUrl('http-proxy', 'ftp://bob:hunter22@p:21')
    } catch (error) {
      expect((error as Error).message).not.toContain('hunter22')
    }
  })
})

describe('proxyCredentialSecrets', () => {
  it('returns the URL, the user info and the raw and decoded password', () => {
    expect(proxyCredentialSecrets('http://bob:p%40ss@proxy:3128').sort()).toEqual(
      ['bob:p%40ss', 'bob:p@ss', 'http://bob:p%40ss@proxy:3128', 'p%40ss', 'p@ss'].sort()
    )
  })
  it('is empty without credentials', () => {
    expect(proxyCredentialSecrets('http://proxy:3128')).toEqual([])
  })
})

describe('parseNoProxy', () => {
  it('accepts commas, spaces and newlines and removes duplicates', () => {
    expect(parseNoProxy('localhost, 127.0.0.1\n.corp.example.com,10.0.0.0/8,localhost')).toEqual([
      'localhost',
      '127.0.0.1',
      '.corp.example.com',
      '10.0.0.0/8'
    ])
  })
  it('rejects entries that are not hosts', () => {
    expect(() => parseNoProxy('good.example,bad;host')).toThrow(/Input "no-proxy".*"bad;host"/)
  })
})

describe('proxyEnvironment', () => {
  it('sets both cases, and NO_PROXY only with a proxy', () => {
    expect(
      proxyEnvironment({
        http: parseProxyUrl('http-proxy', 'p:1'),
        https: parseProxyUrl('https-proxy', 'p:2'),
        noProxy: ['a', 'b']
      })
    ).toEqual({
      HTTP_PROXY: 'http://p:1',
      http_proxy: 'http://p:1',
      HTTPS_PROXY: 'http://p:2',
      https_proxy: 'http://p:2',
      NO_PROXY: 'a,b',
      no_proxy: 'a,b'
    })
    expect(proxyEnvironment({ noProxy: ['a'] })).toEqual({})
  })
})
