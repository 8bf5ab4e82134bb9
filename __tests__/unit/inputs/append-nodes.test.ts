import { parseAppendNodes } from '../../../src/inputs/append-nodes'

describe('append nodes', () => {
  it('reads the YAML list setup-buildx-action users write', () => {
    expect(
      parseAppendNodes(
        '- name: arm\n  endpoint: ssh://me@arm-host\n  platforms: linux/arm64,linux/arm/v7\n  driver-opts:\n    - memory=4g\n'
      )
    ).toEqual([
      {
        name: 'arm',
        endpoint: 'ssh://me@arm-host',
        platforms: ['linux/arm64', 'linux/arm/v7'],
        driverOpts: ['memory=4g'],
        buildkitdFlags: ''
      }
    ])
  })
  it.each([
    'name: x',
    '- name: x',
    '- endpoint: e',
    '- name: x\n  endpoint: e\n  platforms: arm64',
    ': : bad'
  ])('rejects %j', text => {
    expect(() => parseAppendNodes(text)).toThrow(/^Input "append"/)
  })
})
