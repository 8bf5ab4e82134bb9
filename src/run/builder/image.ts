import type { ImageFact } from '../../model/facts'
import * as log from '../runner/log'
import { diagnose } from '../../model/diagnosis'
import { failure } from '../runner/command-failure'
import { isImageReference, mirrorCandidates } from '../../model/image-ref'
import { localDaemonSocket } from '../../model/docker-host'
import { daemonGetStatus } from '../docker/daemon-api'
import { configuredDockerContext } from '../docker/config-files'
import type { RegistryModel } from '../../model/registries'
import { docker } from '../docker/docker'
import { isPermanent, retry } from '../docker/retry'
import { lastLine } from '../../model/output-line'

export interface ImageSource {
  /** Where the image came from: "local", a mirror reference, or the image name itself (pulled upstream). */
  source: string
  attempts: string[]
}

export interface EnsureOptions {
  /** Pulls of each source before moving on to the next. */
  attemptsPerSource: number
  /** First backoff between attempts; doubled each time. */
  backoffMs: number
  log: (line: string) => void
}

/** A daemon that does not answer this soon is asked again through the CLI, which explains what is wrong. */
const DAEMON_TIMEOUT_MS = 3000

/**
 * Makes sure the Docker daemon has `image`: present already, else pulled through each mirror in order (and
 * tagged with the requested name), else pulled from its own registry. Behind a firewall the daemon often
 * cannot reach Docker Hub, while a mirror the user named can serve the same image.
 */
export async function ensureImage(
  image: string,
  mirrorRefs: string[],
  options: EnsureOptions,
  present: Promise<boolean> = imageInDaemon(image)
): Promise<ImageSource> {
  if (await present) return { source: 'local', attempts: [] }
  const attempts: string[] = []
  for (const reference of [...mirrorRefs, image]) {
    const pull = async (count: number) => {
      const pulled = await docker(['pull', '--', reference], { silent: true })
      const reason = lastLine(pulled.stderr)
      if (pulled.exitCode !== 0) {
        const attempt = count + 1
        attempts.push(`${reference} (attempt ${attempt}): ${reason}`)
        options.log(
          `${image}: pull of ${reference} failed (attempt ${attempt}/${options.attemptsPerSource}): ${reason}`
        )
      }
      return { exitCode: pulled.exitCode, reason }
    }
    const pulled = await retry(pull, {
      retries: options.attemptsPerSource - 1,
      baseMs: options.backoffMs,
      retryable: ({ reason }) => !isPermanent(reason)
    })
    if (pulled.exitCode === 0) {
      if (reference !== image) {
        await docker(['tag', '--', reference, image], { silent: true })
        // Only the extra name goes; the image stays under the name the builder asks for.
        await docker(['rmi', '--', reference], { silent: true })
      }
      options.log(`${image}: pulled from ${reference}`)
      return { source: reference, attempts }
    }
  }
  const hints = diagnose(attempts.join('\n')).map(d => d.fix)
  throw new Error(
    `The Docker daemon has no ${image} and could not pull it from any source:\n${attempts.join('\n')}\n` +
      (hints[0] ??
        'Add a Docker Hub mirror in "registry-mirrors" that serves it, or point the image input at a reachable copy.')
  )
}

/**
 * Whether the Docker daemon has the image: asked over its socket where the CLI would use a local one (a
 * request instead of a docker process, on the path to the builder), else with `docker image inspect`.
 */
export async function imageInDaemon(image: string): Promise<boolean> {
  const socket = isImageReference(image)
    ? localDaemonSocket({
        platform: process.platform,
        dockerHost: process.env.DOCKER_HOST,
        dockerContext: process.env.DOCKER_CONTEXT,
        configContext: configuredDockerContext()
      })
    : undefined
  if (socket !== undefined) {
    // The whole reference is one path segment; the daemon decodes it as `docker image inspect` sends it.
    const path = `/images/${encodeURIComponent(image)}/json`
    const status = await daemonGetStatus(socket, path, DAEMON_TIMEOUT_MS)
    log.debug(`Docker API at ${socket}: GET ${path} → ${status ?? 'no answer'}`)
    if (status === 200 || status === 404) return status === 200
  }
  const found = await docker(['image', 'inspect', '--format', '{{.Id}}', '--', image], { silent: true })
  return found.exitCode === 0
}

/** The daemon's copy of an image, else one pulled through the plan's mirrors of its registry. */
export async function obtainImage(
  image: string,
  registries: RegistryModel,
  present?: Promise<boolean>
): Promise<ImageFact> {
  const candidates = mirrorCandidates(image, registries)
  // With no mirror to fall back on there is nothing to do before buildx asks the daemon for it.
  if (candidates.length === 0) return { source: 'left-to-daemon' }
  try {
    const { source } = await ensureImage(
      image,
      candidates,
      { attemptsPerSource: 3, backoffMs: 2000, log: line => log.info(line) },
      present
    )
    return source === 'local' ? { source: 'daemon' } : { source: 'pulled', reference: source }
  } catch (error) {
    throw failure(`Getting ${image} failed`, (error as Error).message)
  }
}
