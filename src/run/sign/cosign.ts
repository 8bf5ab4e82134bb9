import * as core from '@actions/core'
import * as io from '@actions/io'
import { join } from 'node:path'
import { COSIGN_RELEASE, MIN_COSIGN_VERSION, usableCosign } from '../../model/cosign-release'
import type { CosignFact } from '../../model/facts'
import type { SignInputs } from '../../inputs/sign-inputs'
import { runProgram } from '../docker/docker'
import type { DockerResult } from '../docker/docker-result'
import * as log from '../runner/log'
import { installReleaseTool, toolFileName } from '../tools/release-install'

/** A cosign ready to run: its file and where it came from. */
export interface ReadyCosign {
  file: string
  fact: CosignFact
}

/**
 * The runner's cosign when it is v3 or newer (on PATH, its version asked), else cosign-version from the tool cache
 * or cosign-download-url, checked against cosign_checksums.txt like buildx: a copy that does not match, or a list
 * that cannot vouch for it, fails the step. Called before the build, so nothing is pushed by a step that cannot sign.
 */
export async function readyCosign(sign: SignInputs, proxyEnv: Record<string, string>): Promise<ReadyCosign> {
  const onPath = await io.which('cosign', false)
  if (onPath !== '') {
    const version = usableCosign(await versionOutput(onPath))
    if (version !== undefined) {
      log.info(`Using the runner's cosign ${version}: ${onPath}`)
      return { file: onPath, fact: { source: 'runner', version } }
    }
    log.info(`The runner's cosign at ${onPath} is not v${MIN_COSIGN_VERSION} or newer: installing one.`)
  }
  const installed = await installReleaseTool(COSIGN_RELEASE, {
    version: sign.cosignVersion,
    urlTemplate: sign.cosignDownloadUrl,
    log,
    proxyEnv
  })
  const file = join(installed.path, toolFileName(COSIGN_RELEASE))
  return { file, fact: { source: installed.source, version: sign.cosignVersion.replace(/^v/, '') } }
}

/** `cosign version` output, or undefined when it does not run. */
async function versionOutput(file: string): Promise<string | undefined> {
  try {
    const result = await runProgram(file, ['version'], { silent: true })
    return result.exitCode === 0 ? result.stdout : undefined
  } catch {
    return undefined
  }
}

/**
 * Runs cosign with the variables given on top of the step's: secrets go there, never in argv. Its output is
 * relayed to the log (the runner masks the secrets readInputs registered; cosign does not print them).
 */
export function cosign(
  file: string,
  args: string[],
  env: Record<string, string>,
  options: { silent?: boolean } = {}
): Promise<DockerResult> {
  return runProgram(file, args, { env, silent: options.silent })
}

/**
 * A GitHub OIDC token for Sigstore (audience sigstore), from the runner (the job needs `id-token: write`); masked
 * before anything could print it.
 */
export async function githubIdToken(): Promise<string> {
  let token: string
  try {
    token = await core.getIDToken('sigstore')
  } catch (error) {
    throw new Error(
      `Input "sign": requesting a GitHub OIDC token for Sigstore failed (${error instanceof Error ? error.message : String(error)}). ` +
        'Give the job "permissions: id-token: write", or pass a token in sigstore-identity-token.'
    )
  }
  core.setSecret(token)
  return token
}
