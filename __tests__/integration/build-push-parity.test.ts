import { fakeDocker } from '../support/fake-docker'
import { runAction } from '../support/run-action'
import { maskedLog, parseRunnerOutput } from '../support/runner-commands'

/**
 * Issue 11: a docker/build-push-action `with:` block keeps its meaning here. Each row is such a block and the
 * buildx build arguments it must give, run through the bundle against the recording fake docker. The expected
 * arguments are what build-push-action passes for the same block (its src/context.ts, with the lists read as
 * its Util.getInputList reads them: CSV over the whole value, commas splitting only the inputs it reads without
 * ignoreComma). A row whose arguments differ on purpose says why in `differs`.
 */

jest.setTimeout(60_000)

interface Row {
  name: string
  with: Record<string, string>
  /** The build arguments these inputs add, as flags and values, without the context. */
  args: string[]
  /** The positional context, '.' unless given. */
  context?: string
  /** Why this action's arguments deliberately differ from build-push-action's for this block. */
  differs?: string
  /** Step environment of a workflow run, for rows that depend on it (the default Git context). */
  env?: Record<string, string>
}

/**
 * Every row runs with these inputs under its own. build-push-action's defaults are the Git context and push:
 * false; this action's are "." and push: true, so rows write both out, and their arguments are added to each
 * row's own unless the row sets that input.
 */
const BASE: Record<string, string> = { context: '.', push: 'true', tags: 'registry.example.com/team/app:ci' }
const BASE_ARGS: Record<string, string[]> = {
  push: ['--push'],
  tags: ['--tag', 'registry.example.com/team/app:ci']
}

const BY_ENV =
  'secrets reach buildx by environment (env=MPB_BUILD_SECRET_n), never a file: build-push-action writes each value to a temp file (src=<file>)'
const SHORTHAND =
  "the same attestation through buildx's shorthand flag; build-push-action spells it --attest type=<kind>,<value> (true as disabled=false)"
/** A push to main of acme/api on github.com: {{defaultContext}} is that commit, fetched from that server. */
const RUN: Record<string, string> = {
  GITHUB_SERVER_URL: 'https://github.com',
  GITHUB_REPOSITORY: 'acme/api',
  GITHUB_SHA: '0c1d2e3f'.repeat(5),
  GITHUB_REF: 'refs/heads/main'
}
const DEFAULT_CONTEXT = `https://github.com/acme/api.git#${RUN.GITHUB_SHA}`
const JOB_TOKEN = 'ghs_J0bT0ken'
const TOKEN_SECRET = ['--secret', 'id=GIT_AUTH_TOKEN.github.com,env=MPB_GIT_AUTH_TOKEN']
const PEM =
  '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmU=\nQyNTUxOQAAACB0ZXN0LW9ubHktbm90LWEta2V5\n-----END OPENSSH PRIVATE KEY-----\n'

export const ROWS: Row[] = [
  // tags: split on commas and lines; a quoted entry is split too when it stands alone on its line.
  {
    name: 'tags on one line, comma-separated',
    with: { tags: 'ghcr.io/acme/api:1.4.0,ghcr.io/acme/api:latest' },
    args: ['--tag', 'ghcr.io/acme/api:1.4.0', '--tag', 'ghcr.io/acme/api:latest']
  },
  {
    name: 'tags one per line',
    with: { tags: 'ghcr.io/acme/api:1.4.0\nghcr.io/acme/api:1.4\n' },
    args: ['--tag', 'ghcr.io/acme/api:1.4.0', '--tag', 'ghcr.io/acme/api:1.4']
  },
  {
    name: 'tags mixing lines and commas, with spaces',
    with: { tags: 'docker.io/acme/api:1 , docker.io/acme/api:2\nquay.io/acme/api:1' },
    args: ['--tag', 'docker.io/acme/api:1', '--tag', 'docker.io/acme/api:2', '--tag', 'quay.io/acme/api:1']
  },
  {
    name: 'a quoted line of tags is still split on its commas',
    with: { tags: '"ghcr.io/acme/web:edge,ghcr.io/acme/web:sha-0c1d2e3"' },
    args: ['--tag', 'ghcr.io/acme/web:edge', '--tag', 'ghcr.io/acme/web:sha-0c1d2e3']
  },
  {
    name: 'quoted tag fields beside a plain one',
    with: { tags: 'ghcr.io/acme/web:1,"ghcr.io/acme/web:2"' },
    args: ['--tag', 'ghcr.io/acme/web:1', '--tag', 'ghcr.io/acme/web:2']
  },
  {
    name: 'blank lines and trailing commas in tags',
    with: { tags: '\nregistry.example.com/team/app:a,\n\nregistry.example.com/team/app:b,,\n' },
    args: ['--tag', 'registry.example.com/team/app:a', '--tag', 'registry.example.com/team/app:b']
  },
  {
    name: 'a tag on a registry with a port',
    with: { tags: 'localhost:5000/team/app:dev' },
    args: ['--tag', 'localhost:5000/team/app:dev']
  },
  // platforms: one --platform with the entries joined.
  {
    name: 'platforms comma-separated',
    with: { platforms: 'linux/amd64,linux/arm64' },
    args: ['--platform', 'linux/amd64,linux/arm64']
  },
  {
    name: 'platforms one per line',
    with: { platforms: 'linux/amd64\nlinux/arm64\nlinux/arm/v7' },
    args: ['--platform', 'linux/amd64,linux/arm64,linux/arm/v7']
  },
  {
    name: 'quoted platforms with commas',
    with: { platforms: '"linux/amd64,linux/arm64"' },
    args: ['--platform', 'linux/amd64,linux/arm64']
  },
  {
    name: 'platforms with spaces after the commas',
    with: { platforms: 'linux/amd64, linux/386 ,linux/ppc64le' },
    args: ['--platform', 'linux/amd64,linux/386,linux/ppc64le']
  },
  // build-args, labels, annotations: a line is one entry, commas and "=" in values included.
  {
    name: 'build-args with commas in a value',
    with: { 'build-args': 'GREETING=hello, world\nFEATURES=a,b,c' },
    args: ['--build-arg', 'GREETING=hello, world', '--build-arg', 'FEATURES=a,b,c']
  },
  {
    name: 'build-args with "=" in a value',
    with: { 'build-args': 'QUERY=page=2&sort=asc\nEMPTY=' },
    args: ['--build-arg', 'QUERY=page=2&sort=asc', '--build-arg', 'EMPTY=']
  },
  {
    name: 'a quoted build-arg field loses its quotes and is joined back',
    with: { 'build-args': '"LIST=x,y",MORE=z' },
    args: ['--build-arg', 'LIST=x,y,MORE=z']
  },
  {
    name: 'a quote inside a build-arg value stays',
    with: { 'build-args': 'MESSAGE=say "hi"' },
    args: ['--build-arg', 'MESSAGE=say "hi"']
  },
  {
    name: 'a quoted build-arg spanning lines',
    with: { 'build-args': '"NOTES=first line\nsecond line"\nVERSION=3' },
    args: ['--build-arg', 'NOTES=first line\nsecond line', '--build-arg', 'VERSION=3']
  },
  {
    name: 'labels with commas and "="',
    with: { labels: 'org.opencontainers.image.title=API, v2\norg.example.filter=env=prod' },
    args: ['--label', 'org.opencontainers.image.title=API, v2', '--label', 'org.example.filter=env=prod']
  },
  {
    name: 'a label with a URL',
    with: { labels: 'org.opencontainers.image.source=https://github.com/acme/api' },
    args: ['--label', 'org.opencontainers.image.source=https://github.com/acme/api']
  },
  {
    name: 'annotations on index and manifest',
    with: {
      annotations:
        'index:org.opencontainers.image.description=Build, test, ship\nmanifest:org.example.team=platform'
    },
    args: [
      '--annotation',
      'index:org.opencontainers.image.description=Build, test, ship',
      '--annotation',
      'manifest:org.example.team=platform'
    ]
  },
  {
    name: 'an annotation with "=" in its value',
    with: { annotations: 'org.example.selector=tier=web' },
    args: ['--annotation', 'org.example.selector=tier=web']
  },
  // secrets: ID=VALUE per entry, a quoted one may span lines.
  {
    name: 'one secret',
    with: { secrets: 'npm_token=npm_0a1b2c3d' },
    args: ['--secret', 'id=npm_token,env=MPB_BUILD_SECRET_0'],
    differs: BY_ENV
  },
  {
    name: 'secrets one per line, commas in a value kept',
    with: { secrets: 'db_url=postgres://u:p@db/x?a=1,b=2\napi_key=k3y9' },
    args: ['--secret', 'id=db_url,env=MPB_BUILD_SECRET_0', '--secret', 'id=api_key,env=MPB_BUILD_SECRET_1'],
    differs: BY_ENV
  },
  {
    name: 'a quoted multi-line secret (a private key)',
    with: { secrets: `"ssh_key=${PEM}"\ntoken=t0k3n` },
    args: ['--secret', 'id=ssh_key,env=MPB_BUILD_SECRET_0', '--secret', 'id=token,env=MPB_BUILD_SECRET_1'],
    differs: BY_ENV
  },
  {
    name: 'a secret with an empty value is left out (with a warning)',
    with: { secrets: 'unset_one=\nset_one=v4lue' },
    args: ['--secret', 'id=set_one,env=MPB_BUILD_SECRET_0'],
    differs: BY_ENV
  },
  {
    name: 'secret-files one per line',
    with: { 'secret-files': 'manifest=package.json\nlock=package-lock.json' },
    args: ['--secret', 'id=manifest,src=package.json', '--secret', 'id=lock,src=package-lock.json']
  },
  {
    name: 'a quoted secret-file entry',
    with: { 'secret-files': '"npmrc=package.json"' },
    args: ['--secret', 'id=npmrc,src=package.json']
  },
  {
    name: 'secret-envs comma-separated',
    with: { 'secret-envs': 'NPM_TOKEN=NPM_TOKEN_VAR,GH_TOKEN=GH_TOKEN_VAR' },
    args: ['--secret', 'id=NPM_TOKEN,env=NPM_TOKEN_VAR', '--secret', 'id=GH_TOKEN,env=GH_TOKEN_VAR']
  },
  {
    name: 'secret-envs one per line',
    with: { 'secret-envs': 'aws_key=AWS_ACCESS_KEY_ID\naws_secret=AWS_SECRET_ACCESS_KEY' },
    args: [
      '--secret',
      'id=aws_key,env=AWS_ACCESS_KEY_ID',
      '--secret',
      'id=aws_secret,env=AWS_SECRET_ACCESS_KEY'
    ]
  },
  // ssh: split on commas too.
  { name: 'ssh default agent', with: { ssh: 'default' }, args: ['--ssh', 'default'] },
  {
    name: 'ssh comma-separated',
    with: { ssh: 'default,github=/home/runner/.ssh/id_ed25519' },
    args: ['--ssh', 'default', '--ssh', 'github=/home/runner/.ssh/id_ed25519']
  },
  {
    name: 'ssh one per line',
    with: { ssh: 'gitlab=/keys/gitlab\nbitbucket=/keys/bb' },
    args: ['--ssh', 'gitlab=/keys/gitlab', '--ssh', 'bitbucket=/keys/bb']
  },
  // cache-from / cache-to: a line is one entry, its commas are buildx's own.
  {
    name: 'cache-from a registry ref',
    with: { 'cache-from': 'type=registry,ref=registry.example.com/team/app:buildcache' },
    args: ['--cache-from', 'type=registry,ref=registry.example.com/team/app:buildcache']
  },
  {
    name: 'cache-to a registry with mode=max',
    with: { 'cache-to': 'type=registry,ref=registry.example.com/team/app:buildcache,mode=max' },
    args: ['--cache-to', 'type=registry,ref=registry.example.com/team/app:buildcache,mode=max']
  },
  {
    name: 'gha cache both ways',
    with: { 'cache-from': 'type=gha,scope=main', 'cache-to': 'type=gha,mode=max,scope=main' },
    args: ['--cache-from', 'type=gha,scope=main', '--cache-to', 'type=gha,mode=max,scope=main']
  },
  {
    name: 'two cache sources on two lines',
    with: { 'cache-from': 'type=gha\ntype=registry,ref=ghcr.io/acme/api:cache' },
    args: ['--cache-from', 'type=gha', '--cache-from', 'type=registry,ref=ghcr.io/acme/api:cache']
  },
  {
    name: 'a quoted cache-to line loses its quotes',
    with: { 'cache-to': '"type=local,dest=/tmp/.buildx-cache-new,mode=max"' },
    args: ['--cache-to', 'type=local,dest=/tmp/.buildx-cache-new,mode=max']
  },
  // outputs: quotes are kept as written, for buildx to read.
  {
    name: 'an image output',
    with: { outputs: 'type=image,name=registry.example.com/team/app,push=true' },
    args: ['--output', 'type=image,name=registry.example.com/team/app,push=true']
  },
  {
    name: 'an output with quotes kept',
    with: { push: 'false', outputs: 'type=local,dest="build out"' },
    args: ['--output', 'type=local,dest="build out"']
  },
  {
    name: 'a quoted output line keeps its quotes',
    with: { push: 'false', outputs: '"type=tar,dest=out/image.tar"' },
    args: ['--output', '"type=tar,dest=out/image.tar"']
  },
  // add-hosts, allow, no-cache-filters: split on commas.
  {
    name: 'add-hosts comma-separated',
    with: { 'add-hosts': 'db.internal:10.1.2.3,cache.internal:10.1.2.4' },
    args: ['--add-host', 'db.internal:10.1.2.3', '--add-host', 'cache.internal:10.1.2.4']
  },
  {
    name: 'add-hosts one per line',
    with: { 'add-hosts': 'mirror.local:192.0.2.10\nproxy.local:192.0.2.11' },
    args: ['--add-host', 'mirror.local:192.0.2.10', '--add-host', 'proxy.local:192.0.2.11']
  },
  {
    name: 'allow two entitlements',
    with: { allow: 'network.host,security.insecure' },
    args: ['--allow', 'network.host', '--allow', 'security.insecure']
  },
  {
    name: 'no-cache-filters comma-separated',
    with: { 'no-cache-filters': 'deps,test' },
    args: ['--no-cache-filter', 'deps', '--no-cache-filter', 'test']
  },
  {
    name: 'no-cache-filters one per line',
    with: { 'no-cache-filters': 'builder\nruntime' },
    args: ['--no-cache-filter', 'builder', '--no-cache-filter', 'runtime']
  },
  // ulimit: a line is one entry.
  {
    name: 'two ulimits',
    with: { ulimit: 'nofile=1024:2048\nnproc=512' },
    args: ['--ulimit', 'nofile=1024:2048', '--ulimit', 'nproc=512']
  },
  // single values and switches.
  { name: 'shm-size', with: { 'shm-size': '2g' }, args: ['--shm-size', '2g'] },
  { name: 'target stage', with: { target: 'production' }, args: ['--target', 'production'] },
  {
    name: 'a Dockerfile path',
    with: { file: './docker/Dockerfile.ci' },
    args: ['--file', './docker/Dockerfile.ci']
  },
  { name: 'a context folder', with: { context: './services/api' }, args: [], context: './services/api' },
  { name: 'network none', with: { network: 'none' }, args: ['--network', 'none'] },
  {
    name: 'network host with its entitlement',
    with: { network: 'host', allow: 'network.host' },
    args: ['--network', 'host', '--allow', 'network.host']
  },
  { name: 'pull and no-cache', with: { pull: 'true', 'no-cache': 'true' }, args: ['--pull', '--no-cache'] },
  { name: 'switches written false', with: { pull: 'false', 'no-cache': 'false', load: 'false' }, args: [] },
  { name: 'load without push', with: { push: 'false', load: 'true' }, args: ['--load'] },
  { name: 'push false', with: { push: 'false' }, args: [] },
  {
    name: 'cgroup-parent',
    with: { 'cgroup-parent': '/actions/build' },
    args: ['--cgroup-parent', '/actions/build']
  },
  {
    name: 'call check',
    with: { call: 'check', push: 'true' },
    args: ['--call', 'check'],
    differs: 'a call other than build makes no image, so nothing is pushed: this action leaves --push out'
  },
  { name: 'call build', with: { call: 'build' }, args: ['--call', 'build'] },
  // attestations.
  {
    name: 'provenance mode=max',
    with: { provenance: 'mode=max' },
    args: ['--provenance', 'mode=max'],
    differs: `${SHORTHAND}, and adds builder-id=<run URL>, which needs a workflow run`
  },
  {
    name: 'provenance false',
    with: { provenance: 'false' },
    args: ['--provenance', 'false'],
    differs: SHORTHAND
  },
  { name: 'sbom true', with: { sbom: 'true' }, args: ['--sbom', 'true'], differs: SHORTHAND },
  {
    name: 'sbom with a generator',
    with: { sbom: 'generator=docker/buildkit-syft-scanner' },
    args: ['--sbom', 'generator=docker/buildkit-syft-scanner'],
    differs: SHORTHAND
  },
  {
    name: 'attests with commas',
    with: { attests: 'type=sbom,generator=docker/buildkit-syft-scanner:edge' },
    args: ['--attest', 'type=sbom,generator=docker/buildkit-syft-scanner:edge']
  },
  // build-contexts: a line is one entry.
  {
    name: 'build-contexts one per line',
    with: { 'build-contexts': 'alpine=docker-image://alpine:3.20\nshared=../shared' },
    args: ['--build-context', 'alpine=docker-image://alpine:3.20', '--build-context', 'shared=../shared']
  },
  {
    name: 'a Git build context with a fragment',
    with: { 'build-contexts': 'tools=https://github.com/acme/tools.git#v2:cmd' },
    args: ['--build-context', 'tools=https://github.com/acme/tools.git#v2:cmd']
  },
  // github-token: build-push-action adds GIT_AUTH_TOKEN.<server host> only when the context is its default Git
  // context (or a subfolder of it) and the user gave no GIT_AUTH_TOKEN secret.
  {
    name: 'the default Git context gets the job token as the secret of its server',
    with: { context: '{{defaultContext}}', 'github-token': JOB_TOKEN },
    env: RUN,
    args: TOKEN_SECRET,
    context: DEFAULT_CONTEXT,
    differs: BY_ENV
  },
  {
    name: 'a subfolder of the default Git context gets it too',
    with: { context: '{{defaultContext}}:docker/api', 'github-token': JOB_TOKEN },
    env: RUN,
    args: TOKEN_SECRET,
    context: `${DEFAULT_CONTEXT}:docker/api`,
    differs: BY_ENV
  },
  {
    name: 'another repository on the workflow server gets no token',
    with: { context: 'https://github.com/acme/tools.git#v2', 'github-token': JOB_TOKEN },
    env: RUN,
    args: []
  },
  {
    name: "the run's repository at another ref gets no token",
    with: { context: 'https://github.com/acme/api.git#main', 'github-token': JOB_TOKEN },
    env: RUN,
    args: []
  },
  {
    name: 'a GIT_AUTH_TOKEN secret of the user keeps the job token out',
    with: { context: '{{defaultContext}}', 'github-token': JOB_TOKEN, secrets: 'GIT_AUTH_TOKEN=ghp_pat' },
    env: RUN,
    args: ['--secret', 'id=GIT_AUTH_TOKEN,env=MPB_BUILD_SECRET_0'],
    context: DEFAULT_CONTEXT,
    differs: BY_ENV
  },
  {
    name: 'a GIT_AUTH_TOKEN given through secret-envs keeps it out as well',
    with: {
      context: '{{defaultContext}}',
      'github-token': JOB_TOKEN,
      'secret-envs': 'GIT_AUTH_TOKEN=GH_PAT'
    },
    env: RUN,
    args: ['--secret', 'id=GIT_AUTH_TOKEN,env=GH_PAT'],
    context: DEFAULT_CONTEXT,
    differs:
      'build-push-action looks for a GIT_AUTH_TOKEN in `secrets` only and adds the job token beside this one; BuildKit tries GIT_AUTH_TOKEN.<host> first, so the user token would go unused'
  },
  // defaults this action chose differently.
  {
    name: 'no context given',
    with: { context: '' },
    args: [],
    context: '.',
    differs:
      'build-push-action builds the Git context of the workflow commit by default; this action builds the checked-out folder "."'
  },
  {
    name: 'no push given',
    with: { push: '' },
    args: ['--push'],
    differs: 'push defaults to true here (false in build-push-action): this action exists to push'
  }
]

const PROXY_BUILD_ARG = /^(https?|no|all|ftp)_proxy(=|$)/i

/** Flag and value pairs of a build argv (boolean flags paired with ''), `--flag=value` read as two. */
function pairsOf(argv: string[]): [string, string][] {
  const SWITCHES = new Set(['--no-cache', '--pull', '--push', '--load'])
  const pairs: [string, string][] = []
  for (let i = 0; i < argv.length; i++) {
    const at = argv[i].indexOf('=')
    if (at > 0) pairs.push([argv[i].slice(0, at), argv[i].slice(at + 1)])
    else if (SWITCHES.has(argv[i])) pairs.push([argv[i], ''])
    else pairs.push([argv[i], argv[++i]])
  }
  return pairs
}

/** Pairs in flag order, each flag's values in their given order: buildx reads only that order. */
const byFlag = (pairs: [string, string][]) =>
  pairs
    .map((pair, index) => ({ pair, index }))
    .sort((a, b) => a.pair[0].localeCompare(b.pair[0]) || a.index - b.index)
    .map(({ pair }) => pair)

/** The build call without this action's own plumbing: its builder, metadata file and proxy build args. */
function userArgs(argv: string[], row: Row): { pairs: [string, string][]; context: string[] } {
  expect(argv.slice(0, 2)).toEqual(['buildx', 'build'])
  const dashes = argv.indexOf('--')
  const ownProvenance = row.with.provenance === undefined && !/type=provenance/.test(row.with.attests ?? '')
  const pairs = pairsOf(argv.slice(2, dashes)).filter(
    ([flag, value]) =>
      !['--builder', '--metadata-file'].includes(flag) &&
      !(flag === '--build-arg' && PROXY_BUILD_ARG.test(value)) &&
      // Provenance defaults are this action's own (another change); rows that set none do not judge them.
      !(
        ownProvenance &&
        (flag === '--provenance' || (flag === '--attest' && value.includes('type=provenance')))
      )
  )
  return { pairs: byFlag(pairs), context: argv.slice(dashes + 1) }
}

function expectedArgs(row: Row): [string, string][] {
  const base = Object.entries(BASE_ARGS).flatMap(([input, args]) => (input in row.with ? [] : args))
  return byFlag(pairsOf([...row.args, ...base]))
}

const runRow = async (row: Row, env: Record<string, string> = {}) => {
  const docker = fakeDocker()
  // Outside a workflow run: no run URL, so no provenance default or builder id depends on the machine.
  const run = await runAction({
    inputs: { ...BASE, ...row.with },
    // A GitHub runner's cache service (type=gha is skipped where there is none).
    env: docker.env({
      GITHUB_REPOSITORY: '',
      GITHUB_RUN_ID: '',
      ACTIONS_RUNTIME_TOKEN: 'runtime-token',
      ACTIONS_CACHE_URL: 'http://127.0.0.1:9/',
      ...row.env,
      ...env
    }),
    skipPost: true
  })
  const build = docker.calls().find(call => call.argv[1] === 'build')
  return { run, build }
}

describe('a build-push-action with: block gives the same buildx arguments', () => {
  it('has at least 50 rows, each named once', () => {
    expect(ROWS.length).toBeGreaterThanOrEqual(50)
    expect(new Set(ROWS.map(row => row.name)).size).toBe(ROWS.length)
  })

  it.concurrent.each(
    ROWS.map(row => [row.differs ? `${row.name} (differs: ${row.differs})` : row.name, row] as const)
  )('%s', async (_name, row) => {
    const { run, build } = await runRow(row)
    expect(run.main.stdout.split('\n').filter(line => line.startsWith('::error'))).toEqual([])
    expect(build).toBeDefined()
    const { pairs, context } = userArgs(build?.argv ?? [], row)
    expect(pairs).toEqual(expectedArgs(row))
    expect(context).toEqual([row.context ?? row.with.context ?? BASE.context])
  })
})

describe('what the arguments do not show', () => {
  const row = (name: string) => ROWS.find(candidate => candidate.name === name) as Row

  it('gives buildx a quoted multi-line secret whole, and the runner every line of it to mask', async () => {
    const { run } = await runRow(row('a quoted multi-line secret (a private key)'), {
      FAKE_DOCKER_PRINT_SECRETS: '1'
    })
    expect(run.main.code).toBe(0)
    // The fake buildx prints the value it got, as a RUN step could: all of it, the last newline included.
    expect(run.main.stdout).toContain(`#9 MPB_BUILD_SECRET_0: ${PEM}`)
    const { masks } = parseRunnerOutput(run.main.stdout)
    expect(masks).toEqual(expect.arrayContaining([PEM, ...PEM.split('\n').filter(line => line !== '')]))
    const log = maskedLog(run.main.stdout + run.main.stderr, [])
    for (const line of PEM.split('\n').filter(line => line !== '')) expect(log).not.toContain(line)
  })

  it('warns about a secret left out for its empty value, naming its entry', async () => {
    const { run } = await runRow(row('a secret with an empty value is left out (with a warning)'))
    const warnings = parseRunnerOutput(run.main.stdout).commands.filter(command => command.name === 'warning')
    expect(warnings.map(warning => warning.data)).toEqual(
      expect.arrayContaining([expect.stringContaining('Input "secrets": entry 1 has an empty value')])
    )
  })
})
