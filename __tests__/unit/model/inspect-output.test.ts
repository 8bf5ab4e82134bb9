import { builderPlatforms, parseInspectNodes, parseInspectDriver } from '../../../src/model/inspect-output'
import { fixture } from '../../support/fixtures'

describe('reading buildx and BuildKit output', () => {
  it('parses every node of docker buildx inspect', () => {
    const output = [
      'Name:          b',
      'Driver:        docker-container',
      '',
      'Nodes:',
      'Name:                  b0',
      'Endpoint:              unix:///var/run/docker.sock',
      'Status:                running',
      'Platforms:             linux/amd64*, linux/amd64/v2, linux/arm64',
      'Name:                  arm',
      'Endpoint:              unix:///run/docker.sock',
      'Status:                running',
      'Platforms:             linux/arm64*, linux/amd64'
    ].join('\n')
    const nodes = parseInspectNodes(output)
    expect(nodes).toEqual([
      {
        name: 'b0',
        endpoint: 'unix:///var/run/docker.sock',
        status: 'running',
        platforms: ['linux/amd64', 'linux/amd64/v2', 'linux/arm64'],
        pinned: ['linux/amd64']
      },
      {
        name: 'arm',
        endpoint: 'unix:///run/docker.sock',
        status: 'running',
        platforms: ['linux/arm64', 'linux/amd64'],
        pinned: ['linux/arm64']
      }
    ])
    expect(builderPlatforms(nodes)).toEqual(['linux/amd64', 'linux/amd64/v2', 'linux/arm64'])
  })
})

describe('parseInspectNodes on odd lines', () => {
  it('reads fields after long runs of spaces and with line separators in them', () => {
    const output = `x\nNodes:\nName:${' '.repeat(100_000)}b0\u2028\nStatus:  running\nPlatforms: linux/amd64*,${' ,'.repeat(1000)}`
    expect(parseInspectNodes(output)).toEqual([
      { name: 'b0', endpoint: '', status: 'running', platforms: ['linux/amd64'], pinned: ['linux/amd64'] }
    ])
  })
  it('ignores lines whose key is only like a field', () => {
    expect(parseInspectNodes('x\nNodes:\nName: a\nNamed: b\n Status: x\nStatus:ok')).toEqual([
      { name: 'a', endpoint: '', status: 'ok', platforms: [], pinned: [] }
    ])
  })
})

describe('the driver output', () => {
  it.each([
    ['buildx-inspect-docker-container.txt', 'docker-container'],
    ['buildx-inspect-docker.txt', 'docker']
  ])('is the Driver line of buildx inspect (%s)', (file, driver) => {
    const output = fixture(file)
    expect(parseInspectDriver(output)).toBe(driver)
    expect(parseInspectNodes(output).length).toBeGreaterThan(0)
  })
  it('is empty when inspect says nothing usable', () => {
    expect(parseInspectDriver('')).toBe('')
    expect(parseInspectDriver('Name: x\n\nNodes:\nDriver: docker\n')).toBe('')
    expect(parseInspectDriver('Driver:        ::error::x\n')).toBe('')
  })
})

// What buildx printed on the real stack (build-checks/capture.sh and registry-push/capture.sh), byte for byte.
describe('parseInspectNodes on captured `docker buildx inspect` output', () => {
  it('reads the one node of a docker-container builder, every platform, none pinned', () => {
    expect(parseInspectNodes(fixture('buildx-inspect-docker-container.txt'))).toEqual([
      {
        name: 'probe-build-checks-97960',
        endpoint: 'unix:///var/run/docker.sock',
        status: 'running',
        platforms: [
          'linux/amd64',
          'linux/amd64/v2',
          'linux/amd64/v3',
          'linux/amd64/v4',
          'linux/arm64',
          'linux/386'
        ],
        pinned: []
      }
    ])
  })

  it('reads the default builder of the docker driver', () => {
    const output = fixture('buildx-inspect-docker.txt')
    expect(parseInspectDriver(output)).toBe('docker')
    expect(parseInspectNodes(output)).toEqual([
      {
        name: 'default',
        endpoint: 'default',
        status: 'running',
        platforms: ['linux/amd64', 'linux/386', 'linux/arm64'],
        pinned: []
      }
    ])
  })

  it('reads both nodes of an appended builder with the platforms each was created for (marked *)', () => {
    const output = fixture('buildx-inspect-two-nodes.txt')
    const nodes = parseInspectNodes(output)
    expect(parseInspectDriver(output)).toBe('docker-container')
    // The builder's own "Name:" line comes before "Nodes:" and is no node; GC policy and config lines are skipped.
    expect(nodes.map(({ name, endpoint, status, pinned }) => ({ name, endpoint, status, pinned }))).toEqual([
      {
        name: expect.stringMatching(/^capture-runner-\d+0$/),
        endpoint: 'unix:///var/run/docker.sock',
        status: 'running',
        pinned: ['linux/amd64']
      },
      {
        name: expect.stringMatching(/^capture-runner-\d+-arm$/),
        endpoint: 'unix:///run/docker.sock',
        status: 'running',
        pinned: ['linux/arm64']
      }
    ])
    for (const node of nodes) {
      expect(node.platforms).toEqual(expect.arrayContaining(['linux/amd64', 'linux/arm64', 'linux/arm/v7']))
      expect(node.platforms.some(platform => platform.endsWith('*'))).toBe(false)
    }
    expect(builderPlatforms(nodes)[0]).toBe('linux/amd64')
    expect(new Set(builderPlatforms(nodes)).size).toBe(builderPlatforms(nodes).length)
  })
})
