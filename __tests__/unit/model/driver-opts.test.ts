import {
  formatDriverOpts,
  mergeDriverOpts,
  parseDriverOpts,
  sealDriverOpts,
  sealedValue
} from '../../../src/model/driver-opts'

describe('driver-opts', () => {
  it('are read as CSV fields into one map, a later value of a key replacing the earlier', () => {
    const opts = parseDriverOpts(['memory=4g, cpu-shares=2', '"env.NO_PROXY=a,b"', 'memory=8g'])
    expect([...opts]).toEqual([
      ['memory', '8g'],
      ['cpu-shares', '2'],
      ['env.NO_PROXY', 'a,b']
    ])
  })
  it('merge with the winning keys first and the others filling in', () => {
    const merged = mergeDriverOpts(
      new Map([['network', 'bridge']]),
      new Map([
        ['image', 'moby/buildkit:buildx-stable-1'],
        ['network', 'host']
      ])
    )
    expect([...merged]).toEqual([
      ['network', 'bridge'],
      ['image', 'moby/buildkit:buildx-stable-1']
    ])
  })
  it('are quoted once, only where buildx would split them', () => {
    expect(
      formatDriverOpts(
        new Map([
          ['memory', '4g'],
          ['env.NO_PROXY', 'a,b'],
          ['env.NOTE', 'say "hi"']
        ])
      )
    ).toEqual(['memory=4g', '"env.NO_PROXY=a,b"', '"env.NOTE=say ""hi"""'])
  })
})

describe('sealDriverOpts', () => {
  it('keeps a URL with a password off argv as a placeholder, and leaves every other value as it is', () => {
    const { opts, sealed } = sealDriverOpts(
      new Map([
        ['image', 'moby/buildkit:buildx-stable-1'],
        ['env.HTTPS_PROXY', 'http://ci:s3cret@proxy.example:3128'],
        ['env.https_proxy', 'socks5://:s3cret@proxy.example:1080'],
        ['env.HTTP_PROXY', 'http://ci@proxy.example:3128'],
        ['env.NO_PROXY', 'a,b'],
        ['network', 'host']
      ])
    )
    expect([...opts]).toEqual([
      ['image', 'moby/buildkit:buildx-stable-1'],
      ['env.HTTPS_PROXY', sealedValue('env.HTTPS_PROXY')],
      ['env.https_proxy', sealedValue('env.https_proxy')],
      ['env.HTTP_PROXY', 'http://ci@proxy.example:3128'],
      ['env.NO_PROXY', 'a,b'],
      ['network', 'host']
    ])
    expect([...sealed]).toEqual([
      [sealedValue('env.HTTPS_PROXY'), 'http://ci:s3cret@proxy.example:3128'],
      [sealedValue('env.https_proxy'), 'socks5://:s3cret@proxy.example:1080']
    ])
  })
})
