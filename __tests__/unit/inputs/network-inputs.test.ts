import { parseInputs } from '../../../src/inputs/parse'
import { inputSource as source, PUSHABLE as pushable } from '../../support/inputs'

describe('proxy inputs', () => {
  it('default to the step environment, upper case first', () => {
    const inputs = parseInputs(
      source(pushable, {
        HTTP_PROXY: 'http://up:1',
        http_proxy: 'http://low:1',
        https_proxy: 'low:2',
        no_proxy: 'a,b'
      })
    )
    expect(inputs.proxy.http?.url).toBe('http://up:1')
    expect(inputs.proxy.https?.url).toBe('http://low:2')
    expect(inputs.proxy.noProxy).toEqual(['a', 'b'])
  })
  it('prefer the explicit input', () => {
    const inputs = parseInputs(
      source({ ...pushable, 'http-proxy': 'http://in:1' }, { HTTP_PROXY: 'http://env:1' })
    )
    expect(inputs.proxy.http?.url).toBe('http://in:1')
  })
})

describe('buildkitd config inputs', () => {
  it('reads the file, then the inline text', () => {
    const inputs = parseInputs(
      source(
        { ...pushable, 'buildkitd-config': 'ci/buildkitd.toml', 'buildkitd-config-inline': 'debug = true' },
        {},
        { 'ci/buildkitd.toml': '[log]\nformat = "json"' }
      )
    )
    expect(inputs.configSources).toEqual([
      { input: 'buildkitd-config', text: '[log]\nformat = "json"' },
      { input: 'buildkitd-config-inline', text: 'debug = true' }
    ])
  })
  it('names a missing file', () => {
    expect(() => parseInputs(source({ ...pushable, 'buildkitd-config': 'nope.toml' }))).toThrow(
      /Input "buildkitd-config": cannot read the file \(ENOENT\)/
    )
  })
})
