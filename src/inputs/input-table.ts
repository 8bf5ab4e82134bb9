import { DEFAULT_BUILDX_DOWNLOAD_URL, PINNED_BUILDX_VERSION } from '../model/buildx-release'
import { DEFAULT_COSIGN_DOWNLOAD_URL, PINNED_COSIGN_VERSION } from '../model/cosign-release'
import type { ListRule } from './list-rule'

/** Where an input is listed in the README and docs/inputs.md. */
export const INPUT_GROUPS = {
  build: 'Build',
  network: 'Network',
  builder: 'Builder',
  login: 'Registry login',
  split: 'Split and merge',
  warm: 'Warm builders',
  mounts: 'Cache mounts',
  output: 'Output',
  meta: 'Tags and labels from the Git ref',
  sign: 'Signing'
} as const

/** What carries a secret, so readInputs masks it before anything logs: the value, a URL's user info, or passwords. */
export type SecretKind = 'value' | 'url-credentials' | 'passwords'

/** One input: everything the code knows of it besides its parser, which lives with the other inputs of its kind. */
export interface InputSpec {
  group: keyof typeof INPUT_GROUPS
  /** What the input means when it is empty: action.yml's `default:` (a unit test holds the two together). */
  default?: string | number | boolean
  /** An action.yml default the runner evaluates (a workflow expression); the action has no fallback of its own. */
  expressionDefault?: string
  /** How a list input is split (list-rule.ts). */
  list?: ListRule
  /** Step variables read, in order, when the input is empty (the proxies, as Go reads them). */
  environment?: readonly string[]
  secret?: SecretKind
  /** The one line the README's input tables show. */
  summary: string
}

// build-push-action's getInputList splits on commas; with { ignoreComma: true } it keeps a line whole, as buildx
// reads those values as CSV itself; quote: false keeps quotes as written; secrets keep their whitespace.
const SPLIT: ListRule = { reading: 'csv', commas: true, quotes: true, trim: true }
const JOIN: ListRule = { reading: 'csv', commas: false, quotes: true, trim: true }
const SECRET_LINES: ListRule = { ...JOIN, trim: false }
const AS_WRITTEN: ListRule = { reading: 'csv', commas: false, quotes: false, trim: true }
// This action's own lists: one line at a time, commas and quotes within a line.
const OWN: ListRule = { reading: 'lines', commas: true, quotes: true, trim: true }

/**
 * Every input of action.yml, in its order: the one table defaults, list rules, proxy variables, masking and the
 * README's input reference come from (unit tests hold it equal to action.yml and to the README).
 */
export const INPUTS = {
  context: {
    group: 'build',
    default: '.',
    secret: 'url-credentials',
    summary: "Build context: a path, a Git URL, or `{{defaultContext}}[:subdir]` (the workflow's commit)."
  },
  file: { group: 'build', summary: 'Dockerfile path; default `Dockerfile` in the context.' },
  tags: {
    group: 'build',
    list: SPLIT,
    summary: 'Image references to tag and push; required while `push` is true.'
  },
  platforms: {
    group: 'build',
    list: SPLIT,
    summary: '`os/arch[/variant]` targets, e.g. `linux/amd64,linux/arm64`; empty: the native one.'
  },
  push: { group: 'output', default: true, summary: 'Push the image, an index for several platforms.' },
  load: {
    group: 'output',
    default: false,
    summary: 'Load the image into the local Docker image store (one platform only).'
  },
  'build-args': { group: 'build', list: JOIN, summary: '`KEY=VALUE` per line.' },
  labels: { group: 'build', list: JOIN, summary: '`KEY=VALUE` per line.' },
  target: { group: 'build', summary: 'Dockerfile stage to build.' },
  'cache-from': { group: 'build', list: JOIN, summary: 'Cache sources, one per line.' },
  'cache-to': { group: 'build', list: JOIN, summary: 'Cache destinations, one per line.' },
  cache: {
    group: 'build',
    summary:
      '`registry` (next to the first tag) or an image reference: cache in one word, never fails the build.'
  },
  'cache-mounts': {
    group: 'mounts',
    default: 'off',
    summary: '`RUN --mount=type=cache` contents in your registry: `off`, `registry` or an image reference.'
  },
  'cache-mounts-max-size': {
    group: 'mounts',
    default: '2GB',
    summary: 'Cache mounts larger than this together are not saved, nor restored (MB, GB or TB).'
  },
  'cache-mounts-helper': {
    group: 'mounts',
    default: 'busybox:1.36',
    summary: 'The image whose `sh`, `tar` and `find` copy cache mounts in and out, pulled via the mirrors.'
  },
  'no-cache': { group: 'build', default: false, summary: 'Build without cache.' },

  pull: { group: 'build', default: false, summary: 'Always pull newer base images.' },
  secrets: {
    group: 'build',
    list: SECRET_LINES,
    secret: 'value',
    summary: "Build secrets, `ID=VALUE` per line, through buildx's environment only."
  },
  'secret-files': { group: 'build', list: JOIN, summary: 'Build secrets from files, `ID=PATH` per line.' },
  'secret-envs': {
    group: 'build',
    list: SPLIT,
    summary: "Build secrets from this step's environment, `ID=ENV_NAME` per line."
  },
  ssh: { group: 'build', list: SPLIT, summary: 'SSH agent sockets or keys to expose.' },
  annotations: { group: 'build', list: JOIN, summary: 'Annotations, one per line.' },
  attests: { group: 'build', list: JOIN, summary: 'Attestations, e.g. `type=sbom`.' },
  provenance: {
    group: 'build',
    summary: 'Provenance attestation; empty: `mode=max` if the repository is public.'
  },
  sbom: { group: 'build', summary: 'SBOM attestation, e.g. `true`.' },
  'build-contexts': {
    group: 'build',
    list: JOIN,
    summary: 'Additional build contexts, `NAME=SOURCE` per line.'
  },
  outputs: {
    group: 'output',
    list: AS_WRITTEN,
    summary: 'Extra outputs; set `push: false` when they replace the push.'
  },
  network: { group: 'build', summary: 'Network mode for `RUN` steps.' },
  'add-hosts': { group: 'build', list: SPLIT, summary: '`HOST:IP` for `RUN` steps.' },
  'shm-size': { group: 'build', summary: 'Size of `/dev/shm` for `RUN` steps.' },
  ulimit: { group: 'build', list: JOIN, summary: 'Ulimits for `RUN` steps.' },
  allow: { group: 'build', list: SPLIT, summary: 'Extra entitlements; the builder permits only these.' },
  'no-cache-filters': { group: 'build', list: SPLIT, summary: 'Stages to build without cache.' },
  call: {
    group: 'build',
    summary: '`build`, `check`, `outline` or `targets`; other than `build` pushes nothing.'
  },
  'cgroup-parent': { group: 'build', summary: 'Parent cgroup for `RUN` steps.' },
  'github-token': {
    group: 'build',
    expressionDefault: '${{ github.token }}',
    secret: 'value',
    summary: 'Token sent with the default Git context only.'
  },
  summary: { group: 'output', default: true, summary: 'Write the job summary.' },
  retries: {
    group: 'build',
    default: 2,
    summary: 'Retries of a bootstrap or build that failed on a passing network fault.'
  },
  'registry-mirrors': {
    group: 'network',
    list: OWN,
    summary: '`MIRROR` (for Docker Hub) or `REGISTRY=MIRROR` per line.'
  },
  'insecure-registries': {
    group: 'network',
    list: OWN,
    summary: '`host[:port]` per line, reached over plain HTTP or unverified HTTPS.'
  },
  'http-proxy': {
    group: 'network',
    environment: ['HTTP_PROXY', 'http_proxy'],
    secret: 'url-credentials',
    summary: "Proxy for HTTP; default: the step's `HTTP_PROXY`."
  },
  'https-proxy': {
    group: 'network',
    environment: ['HTTPS_PROXY', 'https_proxy'],
    secret: 'url-credentials',
    summary: "Proxy for HTTPS; default: the step's `HTTPS_PROXY`."
  },
  'no-proxy': {
    group: 'network',
    environment: ['NO_PROXY', 'no_proxy'],
    summary: "What bypasses the proxy; default: the step's `NO_PROXY`."
  },
  'builder-name': {
    group: 'builder',
    summary: 'Builder to create (replaced if it exists); default unique per job.'
  },
  builder: { group: 'builder', summary: 'An existing builder to use as it is, never removed.' },
  'builder-platforms': { group: 'builder', list: SPLIT, summary: 'Platforms the first node is pinned to.' },
  endpoint: { group: 'builder', summary: 'Docker context or host for the first node.' },
  'keep-state': { group: 'builder', default: false, summary: 'Keep the BuildKit state volume on removal.' },
  append: { group: 'builder', summary: 'Extra nodes as YAML, e.g. a native arm64 machine.' },
  'buildkit-image': {
    group: 'builder',
    default: 'moby/buildkit:buildx-stable-1',
    summary: 'BuildKit image the builder runs.'
  },
  'driver-opts': {
    group: 'builder',
    list: AS_WRITTEN,
    summary: 'Extra docker-container driver options, one per line.'
  },
  'buildkitd-flags': { group: 'builder', summary: 'buildkitd flags, one string.' },
  'buildkitd-config': {
    group: 'builder',
    summary: 'A `buildkitd.toml` in the workspace, merged with the generated one.'
  },
  'buildkitd-config-inline': {
    group: 'builder',
    summary: '`buildkitd.toml` text, merged after `buildkitd-config`.'
  },
  cleanup: { group: 'builder', default: true, summary: "Remove the builder and this run's files in post." },
  'warm-builder': {
    group: 'warm',
    default: false,
    summary: 'Keep the builder and its cache for later jobs (self-hosted runners).'
  },
  'warm-builder-idle': { group: 'warm', default: '24h', summary: 'Remove warm builders unused this long.' },
  'warm-builder-cache': {
    group: 'warm',
    summary: "GC limit of a warm builder's cache; empty: a tenth of the free disk."
  },
  qemu: {
    group: 'builder',
    default: 'auto',
    summary: 'Register QEMU for non-native platforms: `auto`, `true` or `false`.'
  },
  'qemu-image': {
    group: 'builder',
    default: 'tonistiigi/binfmt:latest',
    summary: 'binfmt installer image, when the runner has no `qemu-user-static`.'
  },
  'buildx-version': {
    group: 'builder',
    default: `v${PINNED_BUILDX_VERSION}`,
    summary: "buildx installed when the runner's is missing or older than v0.13.0."
  },
  'buildx-download-url': {
    group: 'builder',
    default: DEFAULT_BUILDX_DOWNLOAD_URL,
    secret: 'url-credentials',
    summary: 'Where that buildx comes from; checked against `checksums.txt`.'
  },
  'buildx-skip-verification': {
    group: 'builder',
    default: false,
    summary: 'Run a buildx that cannot be verified, with a warning.'
  },
  'mirror-check': {
    group: 'network',
    default: 'warn',
    summary: 'Probe mirrors, registries and proxy first: `warn`, `strict` or `off`.'
  },
  'push-by-digest': {
    group: 'split',
    default: false,
    summary: 'Push by digest only, no tag; the `digest` output goes to a merge step.'
  },
  'merge-digests': {
    group: 'split',
    list: SPLIT,
    summary: 'Digests of push-by-digest steps: merged into one index under every tag, no build.'
  },
  'registry-auth': {
    group: 'login',
    secret: 'passwords',
    summary: 'Logins for this step only, as YAML; no Docker daemon involved.'
  },
  'meta-images': {
    group: 'meta',
    summary: "Images to tag from the Git ref (metadata-action's `images`); turns the feature on, no API call."
  },
  'meta-tags': {
    group: 'meta',
    summary:
      "Tag rules as metadata-action's `tags`: `type=ref`, `semver`, `pep440`, `sha`, `raw`, `edge`, `schedule`."
  },
  'meta-flavor': {
    group: 'meta',
    summary: "metadata-action's `flavor`: `latest=`, `prefix=`, `suffix=`, `onlatest=`."
  },
  'meta-labels': { group: 'meta', summary: 'Labels over the generated OCI labels, `KEY=VALUE` per line.' },
  'meta-annotations': {
    group: 'meta',
    summary: 'Annotations over the generated OCI annotations, `KEY=VALUE` per line.'
  },
  sign: {
    group: 'sign',
    default: 'false',
    summary:
      'Sign the pushed index digest with cosign: `false`, `true`, or `auto` (when an index is pushed and a key, token or OIDC is there).'
  },
  'sign-key': {
    group: 'sign',
    secret: 'value',
    summary: 'A cosign private key (PEM): signs offline, no transparency log, no Sigstore service.'
  },
  'sign-key-password': { group: 'sign', secret: 'value', summary: "The key's password." },
  'sigstore-fulcio-url': {
    group: 'sign',
    summary: 'Keyless: your own Fulcio; empty: the public one (through the proxy inputs).'
  },
  'sigstore-rekor-url': {
    group: 'sign',
    summary: 'Keyless: your own Rekor; empty: the public one (through the proxy inputs).'
  },
  'sigstore-identity-token': {
    group: 'sign',
    secret: 'value',
    summary: "Keyless: an OIDC token for Fulcio; empty: the job's GitHub OIDC token (`id-token: write`)."
  },
  'cosign-version': {
    group: 'sign',
    default: `v${PINNED_COSIGN_VERSION}`,
    summary: "cosign downloaded when the runner's is missing or older than v3.0.0."
  },
  'cosign-download-url': {
    group: 'sign',
    default: DEFAULT_COSIGN_DOWNLOAD_URL,
    secret: 'url-credentials',
    summary: 'Where that cosign comes from; checked against `cosign_checksums.txt`.'
  }
} as const satisfies Record<string, InputSpec>

export type InputName = keyof typeof INPUTS

type Spec<Name extends InputName> = (typeof INPUTS)[Name]
type WithDefault = { [Name in InputName]: Spec<Name> extends { default: unknown } ? Name : never }[InputName]

/** Each input's meaning when empty: a value set to '' (or a run outside the runner) reaches the parser empty. */
export const INPUT_DEFAULTS = Object.fromEntries(
  Object.entries(INPUTS).flatMap(([name, spec]) => ('default' in spec ? [[name, spec.default]] : []))
) as { [Name in WithDefault]: Spec<Name> extends { default: infer Value } ? Value : never }

/** The inputs that are true or false. */
export type BooleanInput = {
  [Name in WithDefault]: Spec<Name>['default'] extends boolean ? Name : never
}[WithDefault]

/** Inputs read from step variables when empty, with those variables (upper case first, as Go reads them). */
export const PROXY_INPUTS = Object.entries(INPUTS).flatMap(([input, spec]) =>
  'environment' in spec ? [{ input, env: spec.environment }] : []
)

/** Inputs whose action.yml default is a workflow expression the runner evaluates (an empty github-token sends none). */
export const EXPRESSION_DEFAULTS = Object.fromEntries(
  Object.entries(INPUTS).flatMap(([name, spec]) =>
    'expressionDefault' in spec ? [[name, spec.expressionDefault]] : []
  )
) as Record<string, string>
