import { parseProxyUrl, proxyEnvironment } from '../../../src/model/proxy'

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

  it('keeps the URL as written and reads the host the way URL() canonicalizes it', () => {
    expect(parseProxyUrl('http-proxy', 'http://[0:0::1]:3128/')).toEqual({
      url: 'http://[0:0::1]:3128',
      hostname: '::1',
      display: 'http://[0:0::1]:3128'
    })
  })
  it('accepts an IPv6 zone, which URL() cannot parse', () => {
    expect(parseProxyUrl('http-proxy', 'http://[fe80::1%25eth0]:3128').hostname).toBe('fe80::1%25eth0')
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
