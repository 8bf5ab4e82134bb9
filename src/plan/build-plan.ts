import { gitContextHost, secretEnvName } from '../inputs/build-options'
import type { Inputs } from '../inputs/parse'
import { isDefaultGitContext } from '../inputs/workflow-run'
import { mergeAnnotations } from '../model/annotations'
import { stripUserInfo } from '../model/credentials'
import { imageRepository } from '../model/image-ref'
import { BuildOptions, buildArgs, mergeIndexArgs } from './argv'
import { resolveProvenance } from './provenance'

/** The build (or the merge of split builds): its command, its environment, what it reads its secrets from. */
export interface BuildPlan {
  metadataPath: string
  /** Environment of the build process: proxy variables and the values of build secrets. */
  buildEnv: Record<string, string>
  commands: {
    build: string[]
    /** merge-digests: the index printed without pushing it, then pushed under every tag ([] when not merging). */
    mergeDryRun: string[]
    merge: string[]
  }
  /** merge-digests as full references (repository@sha256:…), in the order given. */
  mergeSources: string[]
  warnings: string[]
}

export function planBuild(
  inputs: Inputs,
  builder: string,
  proxyEnv: Record<string, string>,
  workDir: string
): BuildPlan {
  const warnings: string[] = []
  const metadataPath = `${workDir}/metadata.json`
  const userBuildArgNames = new Set(inputs.buildArgs.map(arg => arg.split('=')[0]))
  const secrets = buildSecrets(inputs)
  // A bare digest is in the repository of the first tag.
  const mergeSources = inputs.split.mergeDigests.map(
    ({ repository, digest }) => `${repository ?? imageRepository(inputs.tags[0])}@${digest}`
  )
  const attestations = resolveProvenance({
    provenance: inputs.build.provenance,
    attests: inputs.build.attests,
    outputs: inputs.build.outputs,
    load: inputs.load,
    run: inputs.workflow
  })
  const build: BuildOptions = {
    ...inputs,
    build: { ...inputs.build, ...attestations },
    builder,
    pushByDigest: inputs.split.pushByDigest,
    proxyBuildArgs: proxyBuildArgs(proxyEnv, userBuildArgNames, warnings),
    metadataPath,
    envSecrets: secrets.refs
  }
  return {
    metadataPath,
    // Build-check warnings in the metadata file, for annotations (build-push-action sets it too).
    buildEnv: { ...proxyEnv, ...secrets.env, BUILDX_METADATA_WARNINGS: 'true' },
    commands: { build: buildArgs(build), ...mergeCommands(builder, inputs, mergeSources) },
    mergeSources,
    warnings
  }
}

/**
 * Proxy settings for RUN steps. BuildKit records build args in provenance attestations (even mode=min), so a
 * proxy URL with credentials goes to RUN steps without them; the builder and the buildx client keep them.
 */
function proxyBuildArgs(
  proxyEnv: Record<string, string>,
  userNames: Set<string>,
  warnings: string[]
): string[] {
  const args: string[] = []
  let stripped = false
  for (const [name, value] of Object.entries(proxyEnv)) {
    if (userNames.has(name)) continue
    // Up to the LAST @: a password may itself contain one.
    const bare = stripUserInfo(value)
    if (bare === value) {
      args.push(name)
    } else {
      args.push(`${name}=${bare}`)
      stripped = true
    }
  }
  if (stripped) {
    warnings.push(
      'RUN steps get the proxy without its credentials, because BuildKit records build args in the pushed ' +
        'provenance. If a RUN step needs them, pass them as a build secret ("secrets") and read it there.'
    )
  }
  return args
}

/** Secret values and the Git token reach buildx through its environment: never argv, never a file. */
function buildSecrets(inputs: Inputs): { refs: { id: string; env: string }[]; env: Record<string, string> } {
  const refs: { id: string; env: string }[] = []
  const env: Record<string, string> = {}
  inputs.build.secrets.forEach(({ id, value }, index) => {
    refs.push({ id, env: secretEnvName(index) })
    env[secretEnvName(index)] = value
  })
  // The workflow token goes only where build-push-action sends it: with the run's own default Git context, as
  // the secret of the workflow's server. A GIT_AUTH_TOKEN the user gives (through any secret input) keeps it
  // out: BuildKit tries GIT_AUTH_TOKEN.<host> before GIT_AUTH_TOKEN, so ours would silently replace theirs.
  const server = inputs.build.workflowServer
  const tokenId = `GIT_AUTH_TOKEN.${server}`
  const userToken = [...inputs.build.secrets, ...inputs.build.secretFiles, ...inputs.build.secretEnvs].some(
    ({ id }) => id === 'GIT_AUTH_TOKEN' || id === tokenId
  )
  if (
    inputs.build.githubToken !== '' &&
    !userToken &&
    isDefaultGitContext(inputs.context, inputs.workflow) &&
    gitContextHost(inputs.context) === server
  ) {
    refs.push({ id: tokenId, env: 'MPB_GIT_AUTH_TOKEN' })
    env.MPB_GIT_AUTH_TOKEN = inputs.build.githubToken
  }
  return { refs, env }
}

/** The index made of the pushed digests, under every tag, with the annotations an index takes (the builds put the rest). */
function mergeCommands(
  builder: string,
  inputs: Inputs,
  sources: string[]
): { mergeDryRun: string[]; merge: string[] } {
  if (sources.length === 0) return { mergeDryRun: [], merge: [] }
  const options = {
    builder,
    tags: inputs.tags,
    annotations: mergeAnnotations(inputs.build.annotations),
    sources
  }
  return {
    mergeDryRun: mergeIndexArgs({ ...options, dryRun: true }),
    merge: mergeIndexArgs({ ...options, dryRun: false })
  }
}
