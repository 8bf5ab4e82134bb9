import { DockerHostFacts, localDaemonSocket } from '../../../src/model/docker-host'

// The daemon the CLI would use, asked directly only where that is certain; the CLI answers everywhere else.

const facts = (extra: Partial<DockerHostFacts>): DockerHostFacts => ({
  platform: 'linux',
  configContext: '',
  ...extra
})

describe('localDaemonSocket', () => {
  it.each<[string, Partial<DockerHostFacts>, string | undefined]>([
    ['nothing set', {}, '/var/run/docker.sock'],
    [
      'the default context named',
      { dockerContext: 'default', configContext: 'default' },
      '/var/run/docker.sock'
    ],
    [
      'a unix:// DOCKER_HOST (rootless)',
      { dockerHost: 'unix:///run/user/1000/docker.sock' },
      '/run/user/1000/docker.sock'
    ],
    ['a TCP DOCKER_HOST', { dockerHost: 'tcp://127.0.0.1:2376' }, undefined],
    ['an SSH DOCKER_HOST', { dockerHost: 'ssh://me@host' }, undefined],
    ['a relative unix path', { dockerHost: 'unix://docker.sock' }, undefined],
    ['a unix URL with a query', { dockerHost: 'unix:///var/run/docker.sock?x=1' }, undefined],
    ['DOCKER_CONTEXT naming another context', { dockerContext: 'remote' }, undefined],
    [
      'DOCKER_CONTEXT with a unix DOCKER_HOST',
      { dockerContext: 'remote', dockerHost: 'unix:///s' },
      undefined
    ],
    ['a context chosen in config.json', { configContext: 'colima' }, undefined],
    ['a config.json that cannot be read', { configContext: undefined }, undefined],
    ['DOCKER_HOST wins over the config context', { dockerHost: 'unix:///s', configContext: 'colima' }, '/s'],
    ['Windows (named pipes)', { platform: 'win32' }, undefined],
    ['macOS', { platform: 'darwin' }, '/var/run/docker.sock']
  ])('%s', (_name, extra, socket) => {
    expect(localDaemonSocket(facts(extra))).toBe(socket)
  })
})
