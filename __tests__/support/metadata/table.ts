/**
 * The table: inputs, the run, and what docker/metadata-action gives for them.
 *
 * Rows with `mirrors` repeat a case of metadata-action's own __tests__/meta.test.ts (at commit dc80280, named by
 * its id, e.g. push01) and expect what that test expects. The other rows have no case there; their expected
 * values are what metadata-action's released bundle (dist/index.cjs at the same commit) printed for the same
 * inputs and event, run with the same frozen clock, and `warnings` is how many warnings it printed.
 * Labels and annotations are only written out where they differ from the generated set for the version.
 */
import { EventName } from './events'

export interface Row {
  /** metadata-action's case id in __tests__/meta.test.ts, when the row repeats one. */
  mirrors?: string
  name?: string
  event: EventName
  env?: Record<string, string>
  /** The inputs, one list entry per line. */
  input: { images?: string[]; tags?: string[]; flavor?: string[]; labels?: string[]; annotations?: string[] }
  want: { version: string; tags: string[]; labels?: string[]; annotations?: string[] }
  /** How many warnings metadata-action printed (rows without a test case there). */
  warnings?: number
}

export const ROWS: Row[] = [
  { mirrors: 'null01', event: 'none', input: { images: ['user/app'] }, want: { version: '', tags: [] } },
  {
    mirrors: 'null02',
    event: 'none',
    input: { images: ['user/app'], tags: ['type=sha', 'type=raw,{{branch}}'] },
    want: { version: '', tags: [] }
  },
  {
    mirrors: 'push01',
    event: 'pushDev',
    input: { images: ['user/app'] },
    want: { version: 'dev', tags: ['user/app:dev'] }
  },
  {
    mirrors: 'push02',
    event: 'pushMaster',
    input: { images: ['user/app'], tags: ['type=edge'] },
    want: { version: 'edge', tags: ['user/app:edge'] }
  },
  {
    mirrors: 'push03',
    event: 'pushMaster',
    input: { images: ['user/app'] },
    want: { version: 'master', tags: ['user/app:master'] }
  },
  {
    mirrors: 'push04',
    event: 'dispatchMaster',
    input: { images: ['user/app'], tags: ['type=edge'] },
    want: { version: 'edge', tags: ['user/app:edge'] }
  },
  {
    mirrors: 'push05',
    event: 'pushDev',
    input: { images: ['org/app', 'ghcr.io/user/app'] },
    want: { version: 'dev', tags: ['org/app:dev', 'ghcr.io/user/app:dev'] }
  },
  {
    mirrors: 'push06',
    event: 'pushMaster',
    input: { images: ['org/app', 'ghcr.io/user/app'], tags: ['type=edge'] },
    want: { version: 'edge', tags: ['org/app:edge', 'ghcr.io/user/app:edge'] }
  },
  {
    mirrors: 'push07',
    event: 'pushDev',
    input: { images: ['org/app', 'ghcr.io/user/app'], tags: ['type=ref,event=branch', 'type=sha'] },
    want: {
      version: 'dev',
      tags: ['org/app:dev', 'org/app:sha-860c190', 'ghcr.io/user/app:dev', 'ghcr.io/user/app:sha-860c190']
    }
  },
  {
    mirrors: 'push08',
    event: 'pushMaster',
    input: { images: ['org/app', 'ghcr.io/user/app'], tags: ['type=edge', 'type=sha'] },
    want: {
      version: 'edge',
      tags: ['org/app:edge', 'org/app:sha-2665741', 'ghcr.io/user/app:edge', 'ghcr.io/user/app:sha-2665741']
    }
  },
  {
    mirrors: 'push09',
    event: 'pushDev',
    input: { images: ['org/app', 'ghcr.io/user/app'], tags: ['type=edge,branch=dev', 'type=sha'] },
    want: {
      version: 'edge',
      tags: ['org/app:edge', 'org/app:sha-860c190', 'ghcr.io/user/app:edge', 'ghcr.io/user/app:sha-860c190']
    }
  },
  {
    mirrors: 'push10',
    event: 'pushMaster',
    input: { images: ['org/app', 'ghcr.io/user/app'], tags: ['type=edge,branch=dev', 'type=sha'] },
    want: { version: 'sha-2665741', tags: ['org/app:sha-2665741', 'ghcr.io/user/app:sha-2665741'] }
  },
  {
    mirrors: 'push11',
    event: 'pushInvalidChars',
    input: { images: ['org/app', 'ghcr.io/user/app'], tags: ['type=edge', 'type=sha'] },
    want: { version: 'sha-983315b', tags: ['org/app:sha-983315b', 'ghcr.io/user/app:sha-983315b'] }
  },
  {
    mirrors: 'push12',
    event: 'pushInvalidChars',
    input: {
      images: ['org/app', 'ghcr.io/user/app'],
      tags: ['type=semver,pattern={{version}}', 'type=pep440,pattern={{version}}', 'type=edge']
    },
    want: { version: '', tags: [] }
  },
  {
    mirrors: 'push13',
    event: 'pushMaster',
    input: { images: ['user/app'], tags: ['type=ref,priority=2000,event=branch', 'type=edge'] },
    want: { version: 'master', tags: ['user/app:master', 'user/app:edge'] }
  },
  {
    mirrors: 'push14',
    event: 'pushMaster',
    input: {
      images: ['user/app'],
      tags: [
        'type=semver,pattern={{version}},value=v1.2.3',
        'type=pep440,pattern={{version}},value=v1.2.3',
        'type=edge'
      ]
    },
    want: { version: '1.2.3', tags: ['user/app:1.2.3', 'user/app:edge', 'user/app:latest'] }
  },
  {
    mirrors: 'push18',
    event: 'pushDev',
    input: {
      images: ['org/app', 'ghcr.io/user/app'],
      tags: ['type=ref,event=branch', 'type=sha,format=long']
    },
    want: {
      version: 'dev',
      tags: [
        'org/app:dev',
        'org/app:sha-860c1904a1ce19322e91ac35af1ab07466440c37',
        'ghcr.io/user/app:dev',
        'ghcr.io/user/app:sha-860c1904a1ce19322e91ac35af1ab07466440c37'
      ]
    }
  },
  {
    mirrors: 'push19',
    event: 'pushDev',
    input: {
      images: ['org/app', 'ghcr.io/user/app'],
      tags: [
        'type=edge,branch=master',
        'type=ref,event=branch,enable=false',
        'type=sha,format=long',
        'type=raw,value=defbranch,enable={{is_default_branch}}'
      ]
    },
    want: {
      version: 'sha-860c1904a1ce19322e91ac35af1ab07466440c37',
      tags: [
        'org/app:sha-860c1904a1ce19322e91ac35af1ab07466440c37',
        'ghcr.io/user/app:sha-860c1904a1ce19322e91ac35af1ab07466440c37'
      ]
    }
  },
  {
    mirrors: 'push20',
    event: 'pushDev',
    input: {
      images: ['org/app', 'ghcr.io/user/app,enable=false'],
      tags: ['type=edge,branch=master', 'type=ref,event=branch,enable=false', 'type=sha,format=long']
    },
    want: {
      version: 'sha-860c1904a1ce19322e91ac35af1ab07466440c37',
      tags: ['org/app:sha-860c1904a1ce19322e91ac35af1ab07466440c37']
    }
  },
  {
    mirrors: 'push22',
    event: 'pushDev',
    input: {
      images: ['org/app'],
      tags: [
        'type=edge,branch=master',
        'type=sha,format=long',
        'type=raw,value=notdefbranch,enable={{is_not_default_branch}}'
      ]
    },
    want: {
      version: 'notdefbranch',
      tags: ['org/app:notdefbranch', 'org/app:sha-860c1904a1ce19322e91ac35af1ab07466440c37']
    }
  },
  {
    mirrors: 'tag01',
    event: 'tagRelease1',
    input: { images: ['user/app'] },
    want: { version: 'release1', tags: ['user/app:release1', 'user/app:latest'] }
  },
  {
    mirrors: 'tag02',
    event: 'tag20200110RC2',
    input: { images: ['user/app'] },
    want: { version: '20200110-RC2', tags: ['user/app:20200110-RC2', 'user/app:latest'] }
  },
  {
    mirrors: 'tag11',
    event: 'tagV111',
    input: {
      images: ['org/app', 'ghcr.io/user/app'],
      tags: [
        'type=semver,pattern={{version}}',
        'type=semver,pattern={{major}}.{{minor}}',
        'type=semver,pattern={{major}}'
      ]
    },
    want: {
      version: '1.1.1',
      tags: [
        'org/app:1.1.1',
        'org/app:1.1',
        'org/app:1',
        'org/app:latest',
        'ghcr.io/user/app:1.1.1',
        'ghcr.io/user/app:1.1',
        'ghcr.io/user/app:1',
        'ghcr.io/user/app:latest'
      ]
    }
  },
  {
    mirrors: 'tag12',
    event: 'tagV111',
    input: {
      images: ['org/app', 'ghcr.io/user/app'],
      tags: ['type=semver,pattern={{version}}', 'type=semver,pattern={{major}}.{{minor}}.{{patch}}']
    },
    want: {
      version: '1.1.1',
      tags: ['org/app:1.1.1', 'org/app:latest', 'ghcr.io/user/app:1.1.1', 'ghcr.io/user/app:latest']
    }
  },
  {
    mirrors: 'tag13',
    event: 'tagV208beta67',
    input: {
      images: ['org/app', 'ghcr.io/user/app'],
      tags: ['type=semver,pattern={{major}}.{{minor}}', 'type=semver,pattern={{major}}']
    },
    want: { version: '2.0.8-beta.67', tags: ['org/app:2.0.8-beta.67', 'ghcr.io/user/app:2.0.8-beta.67'] }
  },
  {
    mirrors: 'tag14',
    event: 'tagSometag',
    input: {
      images: ['ghcr.io/user/app'],
      tags: [
        'type=ref,event=tag',
        'type=semver,pattern={{version}}',
        'type=semver,pattern={{major}}.{{minor}}',
        'type=semver,pattern={{major}}'
      ],
      flavor: ['latest=false']
    },
    want: { version: 'sometag', tags: ['ghcr.io/user/app:sometag'] }
  },
  {
    mirrors: 'tag16',
    event: 'tagV111',
    input: {
      images: ['org/app', 'ghcr.io/user/app'],
      tags: ['type=raw,priority=2000,foo', 'type=ref,event=tag', 'type=edge']
    },
    want: {
      version: 'foo',
      tags: ['org/app:foo', 'org/app:v1.1.1', 'ghcr.io/user/app:foo', 'ghcr.io/user/app:v1.1.1']
    }
  },
  {
    mirrors: 'tag20',
    event: 'tagV111',
    input: {
      images: ['org/app', 'ghcr.io/user/app'],
      tags: [
        'type=raw,{{tag}}-{{sha}}-foo',
        'type=raw,{{base_ref}}-foo',
        'type=raw,defbranch-foo,enable={{is_default_branch}}'
      ]
    },
    want: {
      version: 'v1.1.1-860c190-foo',
      tags: [
        'org/app:v1.1.1-860c190-foo',
        'org/app:master-foo',
        'ghcr.io/user/app:v1.1.1-860c190-foo',
        'ghcr.io/user/app:master-foo'
      ]
    }
  },
  {
    mirrors: 'tag21',
    event: 'tagV111',
    input: {
      images: ['org/app', 'ghcr.io/user/app'],
      tags: ['type=semver,pattern={{version}}', 'type=semver,pattern={{major}}.{{minor}}.{{patch}}'],
      flavor: ['suffix=-dev,onlatest=true']
    },
    want: {
      version: '1.1.1-dev',
      tags: [
        'org/app:1.1.1-dev',
        'org/app:latest-dev',
        'ghcr.io/user/app:1.1.1-dev',
        'ghcr.io/user/app:latest-dev'
      ]
    }
  },
  {
    mirrors: 'tag22',
    event: 'tagV111',
    input: {
      images: ['org/app', 'ghcr.io/user/app'],
      tags: ['type=semver,pattern={{version}}', 'type=semver,pattern={{major}}.{{minor}}.{{patch}}'],
      flavor: ['prefix=foo-,onlatest=true', 'suffix=-dev,onlatest=true']
    },
    want: {
      version: 'foo-1.1.1-dev',
      tags: [
        'org/app:foo-1.1.1-dev',
        'org/app:foo-latest-dev',
        'ghcr.io/user/app:foo-1.1.1-dev',
        'ghcr.io/user/app:foo-latest-dev'
      ]
    }
  },
  {
    mirrors: 'tag23',
    event: 'tagV111',
    input: {
      images: ['org/app'],
      tags: ['type=pep440,pattern={{raw}}', 'type=pep440,pattern={{major}}.{{minor}}']
    },
    want: { version: 'v1.1.1', tags: ['org/app:v1.1.1', 'org/app:1.1', 'org/app:latest'] }
  },
  {
    mirrors: 'tag24',
    event: 'tag12',
    input: {
      images: ['org/app'],
      tags: ['type=pep440,pattern={{version}}', 'type=pep440,pattern={{major}}.{{minor}}']
    },
    want: { version: '1.2', tags: ['org/app:1.2', 'org/app:latest'] }
  },
  {
    mirrors: 'tag25',
    event: 'tag11beta2',
    input: {
      images: ['org/app', 'ghcr.io/user/app'],
      tags: ['type=pep440,pattern={{major}}.{{minor}}', 'type=pep440,pattern={{major}}']
    },
    want: { version: '1.1b2', tags: ['org/app:1.1b2', 'ghcr.io/user/app:1.1b2'] }
  },
  {
    mirrors: 'tag26',
    event: 'tag10dev4',
    input: {
      images: ['org/app', 'ghcr.io/user/app'],
      tags: ['type=pep440,pattern={{major}}.{{minor}}', 'type=pep440,pattern={{major}}']
    },
    want: { version: '1.0.dev4', tags: ['org/app:1.0.dev4', 'ghcr.io/user/app:1.0.dev4'] }
  },
  {
    mirrors: 'tag27',
    event: 'tag123rc2',
    input: {
      images: ['org/app', 'ghcr.io/user/app'],
      tags: [
        'type=pep440,pattern={{raw}}',
        'type=pep440,pattern={{version}}',
        'type=pep440,pattern={{major}}.{{minor}}',
        'type=pep440,pattern={{major}}'
      ]
    },
    want: { version: '1.2.3rc2', tags: ['org/app:1.2.3rc2', 'ghcr.io/user/app:1.2.3rc2'] }
  },
  {
    mirrors: 'tag28',
    event: 'tagV111',
    input: {
      images: ['org/app'],
      tags: [
        'type=pep440,pattern={{version}}',
        'type=pep440,pattern={{major}}.{{minor}}.{{patch}}',
        'type=pep440,pattern={{major}}.{{minor}}',
        'type=pep440,pattern={{major}}'
      ]
    },
    want: { version: '1.1.1', tags: ['org/app:1.1.1', 'org/app:1.1', 'org/app:1', 'org/app:latest'] }
  },
  {
    mirrors: 'tag29',
    event: 'tag12post1',
    input: {
      images: ['org/app'],
      tags: [
        'type=pep440,pattern={{version}}',
        'type=pep440,pattern={{major}}.{{minor}}',
        'type=pep440,pattern={{major}}'
      ]
    },
    want: { version: '1.2.post1', tags: ['org/app:1.2.post1'] }
  },
  {
    mirrors: 'tag30',
    event: 'tagSometag',
    input: {
      images: ['ghcr.io/user/app'],
      tags: [
        'type=ref,event=tag',
        'type=pep440,pattern={{version}}',
        'type=pep440,pattern={{major}}.{{minor}}',
        'type=pep440,pattern={{major}}'
      ],
      flavor: ['latest=false']
    },
    want: { version: 'sometag', tags: ['ghcr.io/user/app:sometag'] }
  },
  {
    mirrors: 'tag31',
    event: 'tagV208beta67',
    input: { images: ['org/app', 'ghcr.io/user/app'], tags: ['type=semver,pattern={{raw}}'] },
    want: { version: 'v2.0.8-beta.67', tags: ['org/app:v2.0.8-beta.67', 'ghcr.io/user/app:v2.0.8-beta.67'] }
  },
  {
    mirrors: 'tag32',
    event: 'tagV123rc2',
    input: {
      images: ['org/app', 'ghcr.io/user/app'],
      tags: ['type=pep440,pattern={{raw}}', 'type=pep440,pattern={{major}}.{{minor}}']
    },
    want: {
      version: 'v1.2.3rc2',
      tags: [
        'org/app:v1.2.3rc2',
        'org/app:1.2.3rc2',
        'ghcr.io/user/app:v1.2.3rc2',
        'ghcr.io/user/app:1.2.3rc2'
      ]
    }
  },
  {
    mirrors: 'tag33',
    event: 'tagV111',
    input: {
      tags: [
        'type=pep440,pattern={{version}}',
        'type=pep440,pattern={{major}}.{{minor}}.{{patch}}',
        'type=pep440,pattern={{major}}.{{minor}}',
        'type=pep440,pattern={{major}}'
      ]
    },
    want: { version: '1.1.1', tags: ['1.1.1', '1.1', '1', 'latest'] }
  },
  {
    mirrors: 'latest05',
    event: 'tagV111',
    input: { images: ['org/app', 'ghcr.io/user/app'] },
    want: {
      version: 'v1.1.1',
      tags: ['org/app:v1.1.1', 'org/app:latest', 'ghcr.io/user/app:v1.1.1', 'ghcr.io/user/app:latest']
    }
  },
  {
    mirrors: 'latest07',
    event: 'tagV111',
    input: {
      images: ['org/app', 'ghcr.io/user/app'],
      tags: ['type=ref,event=tag'],
      flavor: ['latest=false']
    },
    want: { version: 'v1.1.1', tags: ['org/app:v1.1.1', 'ghcr.io/user/app:v1.1.1'] }
  },
  {
    mirrors: 'latest08',
    event: 'tagV111',
    input: {
      images: ['org/app', 'ghcr.io/MyUSER/MyApp'],
      tags: ['type=ref,event=tag'],
      flavor: ['latest=false']
    },
    want: { version: 'v1.1.1', tags: ['org/app:v1.1.1', 'ghcr.io/myuser/myapp:v1.1.1'] }
  },
  {
    mirrors: 'latest09',
    event: 'tagV111',
    input: {
      images: ['org/app', 'ghcr.io/MyUSER/MyApp'],
      tags: ['type=ref,event=tag'],
      flavor: ['latest=false'],
      labels: [
        'maintainer=CrazyMax',
        'org.opencontainers.image.description=this is a "good" example',
        'org.opencontainers.image.title=MyCustomTitle',
        'org.opencontainers.image.vendor=MyCompany'
      ],
      annotations: [
        'maintainer=Foo',
        'org.opencontainers.image.description=this is a "bad" example',
        'org.opencontainers.image.title=MyNotTitle',
        'org.opencontainers.image.vendor=MyNotCompany'
      ]
    },
    want: {
      version: 'v1.1.1',
      tags: ['org/app:v1.1.1', 'ghcr.io/myuser/myapp:v1.1.1'],
      labels: [
        'maintainer=CrazyMax',
        'org.opencontainers.image.created=2020-01-10T00:30:00.000Z',
        'org.opencontainers.image.description=this is a "good" example',
        'org.opencontainers.image.licenses=MIT',
        'org.opencontainers.image.revision=860c1904a1ce19322e91ac35af1ab07466440c37',
        'org.opencontainers.image.source=https://github.com/octocat/Hello-World',
        'org.opencontainers.image.title=MyCustomTitle',
        'org.opencontainers.image.url=https://github.com/octocat/Hello-World',
        'org.opencontainers.image.vendor=MyCompany',
        'org.opencontainers.image.version=v1.1.1'
      ],
      annotations: [
        'maintainer=Foo',
        'org.opencontainers.image.created=2020-01-10T00:30:00.000Z',
        'org.opencontainers.image.description=this is a "bad" example',
        'org.opencontainers.image.licenses=MIT',
        'org.opencontainers.image.revision=860c1904a1ce19322e91ac35af1ab07466440c37',
        'org.opencontainers.image.source=https://github.com/octocat/Hello-World',
        'org.opencontainers.image.title=MyNotTitle',
        'org.opencontainers.image.url=https://github.com/octocat/Hello-World',
        'org.opencontainers.image.vendor=MyNotCompany',
        'org.opencontainers.image.version=v1.1.1'
      ]
    }
  },
  {
    mirrors: 'pr01',
    event: 'pullRequest',
    input: { images: ['user/app'] },
    want: { version: 'pr-15', tags: ['user/app:pr-15'] }
  },
  {
    mirrors: 'pr02',
    event: 'pullRequest',
    input: { images: ['org/app', 'ghcr.io/user/app'] },
    want: { version: 'pr-15', tags: ['org/app:pr-15', 'ghcr.io/user/app:pr-15'] }
  },
  {
    mirrors: 'pr03',
    event: 'pullRequest',
    input: { images: ['org/app', 'ghcr.io/user/app'], tags: ['type=ref,event=pr', 'type=sha'] },
    want: {
      version: 'pr-15',
      tags: ['org/app:pr-15', 'org/app:sha-a9c8c58', 'ghcr.io/user/app:pr-15', 'ghcr.io/user/app:sha-a9c8c58']
    }
  },
  {
    mirrors: 'pr04',
    event: 'pullRequest',
    input: { images: ['org/app', 'ghcr.io/user/app'], tags: ['type=sha,priority=2000', 'type=ref,event=pr'] },
    want: {
      version: 'sha-a9c8c58',
      tags: ['org/app:sha-a9c8c58', 'org/app:pr-15', 'ghcr.io/user/app:sha-a9c8c58', 'ghcr.io/user/app:pr-15']
    }
  },
  {
    mirrors: 'pr05',
    event: 'pullRequest',
    input: {
      images: ['org/app', 'ghcr.io/user/app'],
      tags: ['type=ref,event=pr'],
      flavor: ['prefix=glo-', 'suffix=-bal']
    },
    want: { version: 'pr-15-bal', tags: ['org/app:pr-15-bal', 'ghcr.io/user/app:pr-15-bal'] }
  },
  {
    mirrors: 'pr06',
    event: 'pullRequest',
    input: {
      images: ['org/app', 'ghcr.io/user/app'],
      tags: ['type=ref,event=pr,prefix='],
      flavor: ['prefix=glo-', 'suffix=-bal']
    },
    want: { version: '15-bal', tags: ['org/app:15-bal', 'ghcr.io/user/app:15-bal'] }
  },
  {
    mirrors: 'pr07',
    event: 'pullRequestTarget',
    input: { images: ['org/app', 'ghcr.io/user/app'], tags: ['type=sha,priority=2000', 'type=ref,event=pr'] },
    want: {
      version: 'sha-2665741',
      tags: ['org/app:sha-2665741', 'org/app:pr-15', 'ghcr.io/user/app:sha-2665741', 'ghcr.io/user/app:pr-15']
    }
  },
  {
    mirrors: 'pr08',
    event: 'pullRequestTarget',
    input: {
      images: ['org/app', 'ghcr.io/user/app'],
      tags: ['type=ref,event=pr,prefix='],
      flavor: ['prefix=glo-', 'suffix=-bal']
    },
    want: { version: '15-bal', tags: ['org/app:15-bal', 'ghcr.io/user/app:15-bal'] }
  },
  {
    mirrors: 'pr09',
    event: 'pullRequestTarget',
    input: {
      images: ['org/app'],
      tags: [
        'type=ref,event=tag',
        'type=ref,event=pr',
        'type=ref,event=branch',
        'type=sha',
        'type=sha,format=long'
      ]
    },
    want: {
      version: 'pr-15',
      tags: ['org/app:pr-15', 'org/app:sha-2665741', 'org/app:sha-266574110acf203503badf966df2ea24b5d732d7']
    }
  },
  {
    mirrors: 'pr10',
    event: 'pullRequestTarget',
    input: {
      images: ['org/app'],
      tags: ['type=raw,value=mytag-{{base_ref}}', 'type=raw,mytag-defbranch,enable={{is_default_branch}}']
    },
    want: { version: 'mytag-master', tags: ['org/app:mytag-master'] }
  },
  {
    mirrors: 'pr11',
    event: 'pullRequest',
    input: {
      images: ['org/app'],
      tags: ['type=raw,value=mytag-{{base_ref}}', 'type=raw,mytag-defbranch,enable={{is_default_branch}}']
    },
    want: { version: 'mytag-master', tags: ['org/app:mytag-master'] }
  },
  {
    mirrors: 'pr-head-sha pr03',
    event: 'pullRequestHeadSha',
    input: { images: ['org/app', 'ghcr.io/user/app'], tags: ['type=ref,event=pr', 'type=sha'] },
    want: {
      version: 'pr-15',
      tags: ['org/app:pr-15', 'org/app:sha-3370e22', 'ghcr.io/user/app:pr-15', 'ghcr.io/user/app:sha-3370e22']
    }
  },
  {
    mirrors: 'pr-head-sha pr07',
    event: 'pullRequestTargetHeadSha',
    input: { images: ['org/app', 'ghcr.io/user/app'], tags: ['type=sha,priority=2000', 'type=ref,event=pr'] },
    want: {
      version: 'sha-3370e22',
      tags: ['org/app:sha-3370e22', 'org/app:pr-15', 'ghcr.io/user/app:sha-3370e22', 'ghcr.io/user/app:pr-15']
    }
  },
  {
    mirrors: 'schedule01',
    event: 'schedule',
    input: { images: ['user/app'] },
    want: { version: 'nightly', tags: ['user/app:nightly', 'user/app:master'] }
  },
  {
    mirrors: 'schedule03',
    event: 'schedule',
    input: { images: ['user/app'], tags: ["type=schedule,pattern={{date 'YYYYMMDD-HHmmss'}}"] },
    want: { version: '20200110-003000', tags: ['user/app:20200110-003000'] }
  },
  {
    mirrors: 'schedule04',
    event: 'schedule',
    input: { images: ['org/app', 'ghcr.io/user/app'] },
    want: {
      version: 'nightly',
      tags: ['org/app:nightly', 'org/app:master', 'ghcr.io/user/app:nightly', 'ghcr.io/user/app:master']
    }
  },
  {
    mirrors: 'schedule05',
    event: 'schedule',
    input: { images: ['org/app', 'ghcr.io/user/app'], tags: ['type=schedule', 'type=sha'] },
    want: {
      version: 'nightly',
      tags: [
        'org/app:nightly',
        'org/app:sha-860c190',
        'ghcr.io/user/app:nightly',
        'ghcr.io/user/app:sha-860c190'
      ]
    }
  },
  {
    mirrors: 'schedule06',
    event: 'schedule',
    input: {
      images: ['org/app', 'ghcr.io/user/app'],
      tags: [
        'type=schedule',
        'type=sha,priority=2000',
        'type=raw,value=defbranch,enable={{is_default_branch}}'
      ]
    },
    want: {
      version: 'sha-860c190',
      tags: [
        'org/app:sha-860c190',
        'org/app:nightly',
        'org/app:defbranch',
        'ghcr.io/user/app:sha-860c190',
        'ghcr.io/user/app:nightly',
        'ghcr.io/user/app:defbranch'
      ]
    }
  },
  {
    mirrors: 'schedule07',
    event: 'schedule',
    input: {
      images: ['org/app', 'ghcr.io/user/app'],
      tags: ['type=schedule'],
      flavor: ['prefix=glo-', 'suffix=-bal']
    },
    want: {
      version: 'glo-nightly-bal',
      tags: ['org/app:glo-nightly-bal', 'ghcr.io/user/app:glo-nightly-bal']
    }
  },
  {
    mirrors: 'release01',
    event: 'release',
    input: { images: ['user/app'] },
    want: { version: 'v1.1.1', tags: ['user/app:v1.1.1', 'user/app:latest'] }
  },
  {
    mirrors: 'release02',
    event: 'release',
    input: {
      images: ['user/app'],
      tags: [
        'type=ref,event=tag',
        'type=raw,value=baseref-{{base_ref}}',
        'type=raw,value=defbranch,enable={{is_default_branch}}'
      ]
    },
    want: { version: 'v1.1.1', tags: ['user/app:v1.1.1', 'user/app:baseref-', 'user/app:latest'] }
  },
  {
    mirrors: 'raw01',
    event: 'pushDev',
    input: {
      images: ['user/app'],
      tags: ['type=ref,event=branch', 'type=raw,my', 'type=raw,custom', 'type=raw,tags']
    },
    want: { version: 'dev', tags: ['user/app:dev', 'user/app:my', 'user/app:custom', 'user/app:tags'] }
  },
  {
    mirrors: 'raw02',
    event: 'pushDev',
    input: { images: ['user/app'], tags: ['type=ref,event=branch', 'type=raw,my'] },
    want: { version: 'dev', tags: ['user/app:dev', 'user/app:my'] }
  },
  {
    mirrors: 'raw03',
    event: 'tagRelease1',
    input: {
      images: ['user/app'],
      tags: ['type=ref,event=tag', 'type=raw,my', 'type=raw,custom', 'type=raw,tags']
    },
    want: {
      version: 'release1',
      tags: ['user/app:release1', 'user/app:my', 'user/app:custom', 'user/app:tags', 'user/app:latest']
    }
  },
  {
    mirrors: 'raw05',
    event: 'tagV111',
    input: {
      images: ['org/app', 'ghcr.io/user/app'],
      tags: [
        'type=semver,pattern={{version}}',
        'type=semver,pattern={{major}}.{{minor}}',
        'type=semver,pattern={{major}}',
        'type=raw,my',
        'type=raw,custom',
        'type=raw,tags'
      ]
    },
    want: {
      version: '1.1.1',
      tags: [
        'org/app:1.1.1',
        'org/app:1.1',
        'org/app:1',
        'org/app:my',
        'org/app:custom',
        'org/app:tags',
        'org/app:latest',
        'ghcr.io/user/app:1.1.1',
        'ghcr.io/user/app:1.1',
        'ghcr.io/user/app:1',
        'ghcr.io/user/app:my',
        'ghcr.io/user/app:custom',
        'ghcr.io/user/app:tags',
        'ghcr.io/user/app:latest'
      ]
    }
  },
  {
    mirrors: 'raw06',
    event: 'tagV111',
    input: {
      images: ['org/app', 'ghcr.io/user/app'],
      tags: ['type=raw,my', 'type=raw,custom', 'type=raw,tags']
    },
    want: {
      version: 'my',
      tags: [
        'org/app:my',
        'org/app:custom',
        'org/app:tags',
        'ghcr.io/user/app:my',
        'ghcr.io/user/app:custom',
        'ghcr.io/user/app:tags'
      ]
    }
  },
  {
    mirrors: 'raw07',
    event: 'pushDev',
    input: {
      images: ['user/app'],
      tags: ['type=ref,priority=90,event=branch', 'type=raw,my', 'type=raw,custom', 'type=raw,tags'],
      flavor: ['latest=true']
    },
    want: {
      version: 'my',
      tags: ['user/app:my', 'user/app:custom', 'user/app:tags', 'user/app:dev', 'user/app:latest']
    }
  },
  {
    mirrors: 'raw10',
    event: 'pushDev',
    input: {
      images: ['user/app'],
      tags: ['type=raw,foo', 'type=raw,bar,enable=false', 'type=raw,baz,enable=true'],
      flavor: ['latest=false']
    },
    want: { version: 'foo', tags: ['user/app:foo', 'user/app:baz'] }
  },
  {
    mirrors: 'json01',
    event: 'pushDev',
    input: {
      images: ['user/app'],
      tags: ['type=ref,event=branch', 'type=raw,my', 'type=raw,custom', 'type=raw,tags'],
      labels: ['invalid', 'foo=']
    },
    want: {
      version: 'dev',
      tags: ['user/app:dev', 'user/app:my', 'user/app:custom', 'user/app:tags'],
      labels: [
        'foo=',
        'org.opencontainers.image.created=2020-01-10T00:30:00.000Z',
        'org.opencontainers.image.description=This your first repo!',
        'org.opencontainers.image.licenses=MIT',
        'org.opencontainers.image.revision=860c1904a1ce19322e91ac35af1ab07466440c37',
        'org.opencontainers.image.source=https://github.com/octocat/Hello-World',
        'org.opencontainers.image.title=Hello-World',
        'org.opencontainers.image.url=https://github.com/octocat/Hello-World',
        'org.opencontainers.image.version=dev'
      ],
      annotations: [
        'org.opencontainers.image.created=2020-01-10T00:30:00.000Z',
        'org.opencontainers.image.description=This your first repo!',
        'org.opencontainers.image.licenses=MIT',
        'org.opencontainers.image.revision=860c1904a1ce19322e91ac35af1ab07466440c37',
        'org.opencontainers.image.source=https://github.com/octocat/Hello-World',
        'org.opencontainers.image.title=Hello-World',
        'org.opencontainers.image.url=https://github.com/octocat/Hello-World',
        'org.opencontainers.image.version=dev'
      ]
    }
  },
  {
    mirrors: 'json07',
    event: 'tagV111',
    input: {
      images: ['org/app'],
      labels: [
        'foo',
        'maintainer=CrazyMax',
        'org.opencontainers.image.title=MyCustom=Title',
        'org.opencontainers.image.description=Another description',
        'org.opencontainers.image.vendor=MyCompany'
      ]
    },
    want: {
      version: 'v1.1.1',
      tags: ['org/app:v1.1.1', 'org/app:latest'],
      labels: [
        'maintainer=CrazyMax',
        'org.opencontainers.image.created=2020-01-10T00:30:00.000Z',
        'org.opencontainers.image.description=Another description',
        'org.opencontainers.image.licenses=MIT',
        'org.opencontainers.image.revision=860c1904a1ce19322e91ac35af1ab07466440c37',
        'org.opencontainers.image.source=https://github.com/octocat/Hello-World',
        'org.opencontainers.image.title=MyCustom=Title',
        'org.opencontainers.image.url=https://github.com/octocat/Hello-World',
        'org.opencontainers.image.vendor=MyCompany',
        'org.opencontainers.image.version=v1.1.1'
      ],
      annotations: [
        'org.opencontainers.image.created=2020-01-10T00:30:00.000Z',
        'org.opencontainers.image.description=This your first repo!',
        'org.opencontainers.image.licenses=MIT',
        'org.opencontainers.image.revision=860c1904a1ce19322e91ac35af1ab07466440c37',
        'org.opencontainers.image.source=https://github.com/octocat/Hello-World',
        'org.opencontainers.image.title=Hello-World',
        'org.opencontainers.image.url=https://github.com/octocat/Hello-World',
        'org.opencontainers.image.version=v1.1.1'
      ]
    }
  },
  {
    name: 'push to a branch with slashes, default tags',
    event: 'pushFeature',
    input: { images: ['user/app'] },
    want: { version: 'feature-new-ui', tags: ['user/app:feature-new-ui'] },
    warnings: 0
  },
  {
    name: 'push to a branch with slashes, branch in a raw tag and sha',
    event: 'pushFeature',
    input: {
      images: ['user/app'],
      tags: ['type=ref,event=branch', 'type=raw,value=build-{{branch}}', 'type=sha,prefix={{branch}}-']
    },
    want: {
      version: 'feature-new-ui',
      tags: ['user/app:feature-new-ui', 'user/app:build-feature-new-ui', 'user/app:feature-new-ui-860c190']
    },
    warnings: 0
  },
  {
    name: 'tag v1.2.3, default tags',
    event: 'tagV123',
    input: { images: ['user/app'] },
    want: { version: 'v1.2.3', tags: ['user/app:v1.2.3', 'user/app:latest'] },
    warnings: 0
  },
  {
    name: 'tag v1.2.3, semver patterns and sha',
    event: 'tagV123',
    input: {
      images: ['user/app', 'ghcr.io/user/app'],
      tags: [
        'type=semver,pattern={{version}}',
        'type=semver,pattern={{major}}.{{minor}}',
        'type=semver,pattern=v{{major}}',
        'type=sha'
      ]
    },
    want: {
      version: '1.2.3',
      tags: [
        'user/app:1.2.3',
        'user/app:1.2',
        'user/app:v1',
        'user/app:sha-860c190',
        'user/app:latest',
        'ghcr.io/user/app:1.2.3',
        'ghcr.io/user/app:1.2',
        'ghcr.io/user/app:v1',
        'ghcr.io/user/app:sha-860c190',
        'ghcr.io/user/app:latest'
      ]
    },
    warnings: 0
  },
  {
    name: 'tag v1.2.3, pep440 patterns',
    event: 'tagV123',
    input: {
      images: ['user/app'],
      tags: [
        'type=pep440,pattern={{version}}',
        'type=pep440,pattern={{major}}.{{minor}}',
        'type=pep440,pattern={{raw}}'
      ]
    },
    want: {
      version: '1.2.3',
      tags: ['user/app:1.2.3', 'user/app:1.2', 'user/app:v1.2.3', 'user/app:latest']
    },
    warnings: 0
  },
  {
    name: 'tag v1.2.3-rc.1, pre-release: no {{major}} tags, no latest',
    event: 'tagV123rc1',
    input: {
      images: ['user/app'],
      tags: [
        'type=semver,pattern={{major}}.{{minor}}',
        'type=semver,pattern={{version}}',
        'type=semver,pattern={{major}}'
      ]
    },
    want: { version: '1.2.3-rc.1', tags: ['user/app:1.2.3-rc.1'] },
    warnings: 0
  },
  {
    name: 'tag v1.2.3-rc.1, {{raw}} alone is kept',
    event: 'tagV123rc1',
    input: { images: ['user/app'], tags: ['type=semver,pattern={{raw}}'] },
    want: { version: 'v1.2.3-rc.1', tags: ['user/app:v1.2.3-rc.1'] },
    warnings: 0
  },
  {
    name: 'tag v1.2.3-rc.1, v{{raw}} is not {{raw}} alone',
    event: 'tagV123rc1',
    input: { images: ['user/app'], tags: ['type=semver,pattern=v{{raw}}'] },
    want: { version: '1.2.3-rc.1', tags: ['user/app:1.2.3-rc.1'] },
    warnings: 0
  },
  {
    name: 'tag v1.2.3-rc.1, default tags: type=ref,event=tag still gives latest',
    event: 'tagV123rc1',
    input: { images: ['user/app'] },
    want: { version: 'v1.2.3-rc.1', tags: ['user/app:v1.2.3-rc.1', 'user/app:latest'] },
    warnings: 0
  },
  {
    name: 'tag 1.0 is no semver: the ref tag takes over',
    event: 'tag10',
    input: {
      images: ['user/app'],
      tags: ['type=semver,pattern={{version}}', 'type=semver,pattern={{major}}', 'type=ref,event=tag']
    },
    want: { version: '1.0', tags: ['user/app:1.0', 'user/app:latest'] },
    warnings: 2
  },
  {
    name: 'tag 1.0 is a PEP 440 version',
    event: 'tag10',
    input: {
      images: ['user/app'],
      tags: ['type=pep440,pattern={{version}}', 'type=pep440,pattern={{major}}']
    },
    want: { version: '1.0', tags: ['user/app:1.0', 'user/app:1', 'user/app:latest'] },
    warnings: 0
  },
  {
    name: 'tag 1.0+abc.1: the PEP 440 local part as @renovate/pep440 prints it',
    event: 'tagLocal',
    input: {
      images: ['user/app'],
      tags: ['type=pep440,pattern={{version}}', 'type=pep440,pattern={{major}}.{{minor}}']
    },
    want: { version: '1.0-abc-1', tags: ['user/app:1.0-abc-1', 'user/app:1.0', 'user/app:latest'] },
    warnings: 0
  },
  {
    name: 'non-semver tag with semver rules only: nothing',
    event: 'tagSometag',
    input: { images: ['user/app'], tags: ['type=semver,pattern={{version}}'] },
    want: { version: '', tags: [] },
    warnings: 3
  },
  {
    name: 'tag p1/v1.0.0: the slash becomes a dash, and is no semver',
    event: 'tagP1V100',
    input: { images: ['user/app'], tags: ['type=ref,event=tag', 'type=semver,pattern={{version}}'] },
    want: { version: 'p1-v1.0.0', tags: ['user/app:p1-v1.0.0', 'user/app:latest'] },
    warnings: 1
  },
  {
    name: 'semver from value= on a branch',
    event: 'pushMaster',
    input: {
      images: ['user/app'],
      tags: [
        'type=semver,pattern={{version}},value=v2.0.0',
        'type=semver,pattern={{major}},value=v2.0.0',
        'type=ref,event=branch'
      ]
    },
    want: { version: '2.0.0', tags: ['user/app:2.0.0', 'user/app:2', 'user/app:master', 'user/app:latest'] },
    warnings: 0
  },
  {
    name: 'flavor latest=true on a branch',
    event: 'pushDev',
    input: { images: ['user/app'], flavor: ['latest=true'] },
    want: { version: 'dev', tags: ['user/app:dev', 'user/app:latest'] },
    warnings: 0
  },
  {
    name: 'flavor latest=false on a semver tag',
    event: 'tagV123',
    input: { images: ['user/app'], tags: ['type=semver,pattern={{version}}'], flavor: ['latest=false'] },
    want: { version: '1.2.3', tags: ['user/app:1.2.3'] },
    warnings: 0
  },
  {
    name: 'flavor prefix on latest, suffix not',
    event: 'tagV123',
    input: {
      images: ['user/app'],
      tags: ['type=semver,pattern={{version}}', 'type=sha'],
      flavor: ['prefix=app-,onlatest=true', 'suffix=-slim']
    },
    want: {
      version: 'app-1.2.3-slim',
      tags: ['user/app:app-1.2.3-slim', 'user/app:sha-860c190-slim', 'user/app:app-latest']
    },
    warnings: 0
  },
  {
    name: 'flavor prefix with a template; an empty suffix= on the rule',
    event: 'pushDev',
    input: {
      images: ['user/app'],
      tags: ['type=raw,value=x', 'type=raw,value=y,suffix=', 'type=sha'],
      flavor: ['prefix={{branch}}-', 'suffix=-s']
    },
    want: { version: 'dev-x-s', tags: ['user/app:dev-x-s', 'user/app:dev-y', 'user/app:sha-860c190-s'] },
    warnings: 0
  },
  {
    name: 'priority: sha first on a tag, so the version is the sha and latest=auto is off',
    event: 'tagV123',
    input: { images: ['user/app'], tags: ['type=sha,priority=2000', 'type=semver,pattern={{version}}'] },
    want: { version: 'sha-860c190', tags: ['user/app:sha-860c190', 'user/app:1.2.3'] },
    warnings: 0
  },
  {
    name: 'priority: a raw tag below the ref, equal priorities keep their order',
    event: 'pushDev',
    input: {
      images: ['user/app'],
      tags: [
        'type=raw,value=a,priority=100',
        'type=raw,value=b',
        'type=ref,event=branch,priority=150',
        'type=raw,value=c'
      ]
    },
    want: { version: 'b', tags: ['user/app:b', 'user/app:c', 'user/app:dev', 'user/app:a'] },
    warnings: 0
  },
  {
    name: 'enable={{is_default_branch}} on the default branch',
    event: 'pushMaster',
    input: {
      images: ['user/app'],
      tags: ['type=ref,event=branch', 'type=raw,value=latest,enable={{is_default_branch}}']
    },
    want: { version: 'master', tags: ['user/app:master', 'user/app:latest'] },
    warnings: 0
  },
  {
    name: 'enable={{is_default_branch}} on another branch',
    event: 'pushDev',
    input: {
      images: ['user/app'],
      tags: ['type=ref,event=branch', 'type=raw,value=latest,enable={{is_default_branch}}']
    },
    want: { version: 'dev', tags: ['user/app:dev'] },
    warnings: 0
  },
  {
    name: 'enable={{is_default_branch}} on a tag',
    event: 'tagV123',
    input: {
      images: ['user/app'],
      tags: ['type=ref,event=tag', 'type=raw,value=stable,enable={{is_default_branch}}']
    },
    want: { version: 'v1.2.3', tags: ['user/app:v1.2.3', 'user/app:latest'] },
    warnings: 0
  },
  {
    name: 'enable={{is_default_branch}} on workflow_dispatch of the default branch',
    event: 'dispatchMaster',
    input: {
      images: ['org/app', 'ghcr.io/user/app'],
      tags: [
        'type=ref,event=branch',
        'type=edge',
        'type=sha',
        'type=raw,value=main-build,enable={{is_default_branch}}'
      ]
    },
    want: {
      version: 'edge',
      tags: [
        'org/app:edge',
        'org/app:master',
        'org/app:main-build',
        'org/app:sha-860c190',
        'ghcr.io/user/app:edge',
        'ghcr.io/user/app:master',
        'ghcr.io/user/app:main-build',
        'ghcr.io/user/app:sha-860c190'
      ]
    },
    warnings: 0
  },
  {
    name: 'workflow_dispatch on another branch: edge only for the default branch',
    event: 'dispatchDev',
    input: { images: ['org/app'], tags: ['type=edge', 'type=ref,event=branch'] },
    want: { version: 'dev', tags: ['org/app:dev'] },
    warnings: 0
  },
  {
    name: 'schedule with dates in time zones',
    event: 'schedule',
    input: {
      images: ['user/app'],
      tags: [
        "type=schedule,pattern={{date 'YYYYMMDD'}}",
        "type=schedule,pattern=n-{{date 'YYYYMMDD-HHmmss' tz='Asia/Tokyo'}}",
        "type=schedule,pattern={{date 'YYYY-MM-DD[T]HH'}}",
        "type=schedule,pattern={{date 'X'}}"
      ]
    },
    want: {
      version: '20200110',
      tags: [
        'user/app:20200110',
        'user/app:n-20200110-093000',
        'user/app:2020-01-10T00',
        'user/app:1578616200'
      ]
    },
    warnings: 0
  },
  {
    name: 'schedule: edge and is_default_branch hold on a schedule',
    event: 'schedule',
    input: {
      images: ['user/app'],
      tags: ['type=schedule', 'type=edge', 'type=raw,value=d,enable={{is_default_branch}}']
    },
    want: { version: 'nightly', tags: ['user/app:nightly', 'user/app:edge', 'user/app:d'] },
    warnings: 0
  },
  {
    name: 'label and annotation override, with templates',
    event: 'pushDev',
    input: {
      images: ['user/app'],
      labels: [
        'org.opencontainers.image.version={{branch}}-{{sha}}',
        'org.opencontainers.image.vendor=Acme',
        'org.opencontainers.image.title=My App'
      ],
      annotations: ['org.opencontainers.image.description=Multi-arch build']
    },
    want: {
      version: 'dev',
      tags: ['user/app:dev'],
      labels: [
        'org.opencontainers.image.created=2020-01-10T00:30:00.000Z',
        'org.opencontainers.image.description=This your first repo!',
        'org.opencontainers.image.licenses=MIT',
        'org.opencontainers.image.revision=860c1904a1ce19322e91ac35af1ab07466440c37',
        'org.opencontainers.image.source=https://github.com/octocat/Hello-World',
        'org.opencontainers.image.title=My App',
        'org.opencontainers.image.url=https://github.com/octocat/Hello-World',
        'org.opencontainers.image.vendor=Acme',
        'org.opencontainers.image.version=dev-860c190'
      ],
      annotations: [
        'org.opencontainers.image.created=2020-01-10T00:30:00.000Z',
        'org.opencontainers.image.description=Multi-arch build',
        'org.opencontainers.image.licenses=MIT',
        'org.opencontainers.image.revision=860c1904a1ce19322e91ac35af1ab07466440c37',
        'org.opencontainers.image.source=https://github.com/octocat/Hello-World',
        'org.opencontainers.image.title=Hello-World',
        'org.opencontainers.image.url=https://github.com/octocat/Hello-World',
        'org.opencontainers.image.version=dev'
      ]
    },
    warnings: 0
  },
  {
    name: 'HTML escaping of {{branch}} as Handlebars does, then sanitized',
    event: 'pushAmpersand',
    input: {
      images: ['user/app'],
      tags: ['type=ref,event=branch', 'type=raw,value={{branch}}', 'type=raw,value=t-{{{branch}}}'],
      labels: ['ref={{branch}}']
    },
    want: {
      version: 'a-b',
      tags: ['user/app:a-b', 'user/app:a-amp-b', 'user/app:t-a-b'],
      labels: [
        'org.opencontainers.image.created=2020-01-10T00:30:00.000Z',
        'org.opencontainers.image.description=This your first repo!',
        'org.opencontainers.image.licenses=MIT',
        'org.opencontainers.image.revision=860c1904a1ce19322e91ac35af1ab07466440c37',
        'org.opencontainers.image.source=https://github.com/octocat/Hello-World',
        'org.opencontainers.image.title=Hello-World',
        'org.opencontainers.image.url=https://github.com/octocat/Hello-World',
        'org.opencontainers.image.version=a-b',
        'ref=a&amp;b'
      ],
      annotations: [
        'org.opencontainers.image.created=2020-01-10T00:30:00.000Z',
        'org.opencontainers.image.description=This your first repo!',
        'org.opencontainers.image.licenses=MIT',
        'org.opencontainers.image.revision=860c1904a1ce19322e91ac35af1ab07466440c37',
        'org.opencontainers.image.source=https://github.com/octocat/Hello-World',
        'org.opencontainers.image.title=Hello-World',
        'org.opencontainers.image.url=https://github.com/octocat/Hello-World',
        'org.opencontainers.image.version=a-b'
      ]
    },
    warnings: 0
  },
  {
    name: 'short sha length from DOCKER_METADATA_SHORT_SHA_LENGTH',
    event: 'pushDev',
    env: { DOCKER_METADATA_SHORT_SHA_LENGTH: '12' },
    input: { images: ['user/app'], tags: ['type=sha', 'type=raw,value=c-{{sha}}'] },
    want: { version: 'c-860c1904a1ce', tags: ['user/app:c-860c1904a1ce', 'user/app:sha-860c1904a1ce'] },
    warnings: 0
  },
  {
    name: 'annotation levels from DOCKER_METADATA_ANNOTATIONS_LEVELS',
    event: 'pushDev',
    env: { DOCKER_METADATA_ANNOTATIONS_LEVELS: 'manifest,index' },
    input: { images: ['user/app'], annotations: ['foo=bar'] },
    want: {
      version: 'dev',
      tags: ['user/app:dev'],
      annotations: [
        'foo=bar',
        'org.opencontainers.image.created=2020-01-10T00:30:00.000Z',
        'org.opencontainers.image.description=This your first repo!',
        'org.opencontainers.image.licenses=MIT',
        'org.opencontainers.image.revision=860c1904a1ce19322e91ac35af1ab07466440c37',
        'org.opencontainers.image.source=https://github.com/octocat/Hello-World',
        'org.opencontainers.image.title=Hello-World',
        'org.opencontainers.image.url=https://github.com/octocat/Hello-World',
        'org.opencontainers.image.version=dev'
      ]
    },
    warnings: 0
  },
  {
    name: 'image names lower-cased, name= and enable= forms',
    event: 'pushDev',
    input: {
      images: [
        'ghcr.io/MyOrg/MyApp',
        'name=docker.io/user/app,enable=true',
        'name=quay.io/user/app,enable=false'
      ]
    },
    want: { version: 'dev', tags: ['ghcr.io/myorg/myapp:dev', 'docker.io/user/app:dev'] },
    warnings: 0
  },
  {
    name: 'several images on one line (old form)',
    event: 'pushDev',
    input: { images: ['user/app,ghcr.io/user/app'] },
    want: { version: 'dev', tags: ['user/app:dev', 'ghcr.io/user/app:dev'] },
    warnings: 0
  },
  {
    name: 'no images: bare tags',
    event: 'tagV123',
    input: { tags: ['type=semver,pattern={{version}}', 'type=semver,pattern={{major}}'] },
    want: { version: '1.2.3', tags: ['1.2.3', '1', 'latest'] },
    warnings: 0
  },
  {
    name: 'every image disabled: bare tags',
    event: 'pushDev',
    input: { images: ['name=user/app,enable=false'] },
    want: { version: 'dev', tags: ['dev'] },
    warnings: 0
  },
  {
    name: 'comment lines, blank lines and a quoted field',
    event: 'pushDev',
    input: {
      images: ['user/app'],
      tags: ['# the branch', 'type=ref,event=branch', '', 'type=raw,"value=a b"']
    },
    want: { version: 'dev', tags: ['user/app:dev', 'user/app:a-b'] },
    warnings: 0
  },
  {
    name: 'an empty value with a prefix still gives a tag',
    event: 'pushDev',
    input: { images: ['user/app'], tags: ['type=ref,event=branch', 'type=raw,value={{tag}},prefix=x-'] },
    want: { version: 'dev', tags: ['user/app:dev', 'user/app:x-'] },
    warnings: 0
  },
  {
    name: 'pull request: base_ref and the pr prefix replaced by the flavor',
    event: 'pullRequest',
    input: {
      images: ['user/app'],
      tags: ['type=ref,event=pr,prefix=', 'type=raw,value=into-{{base_ref}}'],
      flavor: ['prefix=pr']
    },
    want: { version: '15', tags: ['user/app:15', 'user/app:printo-master'] },
    warnings: 0
  },
  {
    name: 'release event: the tag, latest, not the default branch',
    event: 'release',
    input: {
      images: ['user/app'],
      tags: [
        'type=semver,pattern={{version}}',
        'type=ref,event=tag',
        'type=raw,value=defbranch,enable={{is_default_branch}}'
      ]
    },
    want: { version: '1.1.1', tags: ['user/app:1.1.1', 'user/app:v1.1.1', 'user/app:latest'] },
    warnings: 0
  }
]
