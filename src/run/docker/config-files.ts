import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs'
import { homedir } from 'node:os'
import { join } from 'node:path'
import type { RegistryLogin } from '../../model/docker-config'
import { privateDockerConfig } from '../../model/docker-config'

/** docker's config directory, as the docker CLI resolves it. */
export function dockerConfigDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.DOCKER_CONFIG || join(homedir(), '.docker')
}

/**
 * The context chosen in the CLI's config.json (`docker context use`): '' when none is or there is no config,
 * undefined when the file cannot be read as JSON. Only that one field is taken; the file may hold credentials.
 */
export function configuredDockerContext(env: NodeJS.ProcessEnv = process.env): string | undefined {
  let text: string
  try {
    text = readFileSync(join(dockerConfigDir(env), 'config.json'), 'utf8')
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT' ? '' : undefined
  }
  try {
    const config: unknown = JSON.parse(text)
    if (typeof config !== 'object' || config === null || Array.isArray(config)) return undefined
    const context = (config as Record<string, unknown>).currentContext
    return context === undefined ? '' : typeof context === 'string' ? context : undefined
  } catch {
    return undefined
  }
}

/** buildx's own state (its builders, and warm-builder bookkeeping), as buildx resolves it. */
export function buildxConfigDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.BUILDX_CONFIG || join(dockerConfigDir(env), 'buildx')
}

/** Folders of the user's Docker config the CLI and buildx keep using: plugins and contexts, linked in. */
const SHARED = ['cli-plugins', 'contexts']

/**
 * Writes this step's Docker config into the work dir (deleted with it in post) and returns the environment
 * of every docker command: DOCKER_CONFIG points at the private folder, BUILDX_CONFIG at the user's buildx
 * state, so builders made before or after this step are the same ones. Nothing outside the work dir changes.
 */
export function writePrivateDockerConfig(
  workDir: string,
  logins: RegistryLogin[],
  env: NodeJS.ProcessEnv = process.env
): Record<string, string> {
  const original = dockerConfigDir(env)
  const dir = join(workDir, 'docker-config')
  mkdirSync(dir, { mode: 0o700 })
  let config: unknown = undefined
  const file = join(original, 'config.json')
  if (existsSync(file)) {
    try {
      config = JSON.parse(readFileSync(file, 'utf8'))
    } catch {
      // JSON.parse quotes the text it stops at, and this file may hold credentials.
      throw new Error(`Cannot read ${file} to extend it with "registry-auth": it is not valid JSON.`)
    }
  }
  writeFileSync(
    join(dir, 'config.json'),
    `${JSON.stringify(privateDockerConfig(config, logins), null, 2)}\n`,
    {
      mode: 0o600,
      flag: 'wx'
    }
  )
  // Links even to folders that do not exist yet: a buildx link made later in the step shows through.
  for (const name of SHARED) symlinkSync(join(original, name), join(dir, name))
  return { DOCKER_CONFIG: dir, BUILDX_CONFIG: buildxConfigDir(env) }
}
