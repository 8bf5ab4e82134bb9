/** One registry this step logs in to, from the `registry-auth` input. */
export interface RegistryLogin {
  /** host[:port] as written in image references (docker.io for Docker Hub). */
  registry: string
  username: string
  password: string
}

/**
 * The private Docker CLI config of a step with `registry-auth`: the user's config.json (credential helpers,
 * credsStore, other registries' auths, plugin dirs, proxies) with this step's logins on top. Docker Hub's
 * key is the one `docker login` writes.
 */
export function authKey(registry: string): string {
  return registry === 'docker.io' ? 'https://index.docker.io/v1/' : registry
}

/** The host that answers Docker Hub's /v2/; any other registry answers on its own name. */
export function registryApiHost(registry: string): string {
  return registry === 'docker.io' ? 'registry-1.docker.io' : registry
}

/**
 * config.json for the private folder. The CLI asks credHelpers and credsStore before `auths`, so a helper
 * named for one of these registries is left out, and a credsStore becomes a helper of each registry it
 * already holds (its placeholders in `auths`), so it keeps answering for those and not for ours.
 */
export function privateDockerConfig(original: unknown, logins: RegistryLogin[]): Record<string, unknown> {
  const base: Record<string, unknown> =
    typeof original === 'object' && original !== null && !Array.isArray(original)
      ? { ...(original as Record<string, unknown>) }
      : {}
  const ours = new Set(logins.map(login => authKey(login.registry)))
  const objectOf = (value: unknown): Record<string, unknown> =>
    typeof value === 'object' && value !== null && !Array.isArray(value)
      ? { ...(value as Record<string, unknown>) }
      : {}
  const helpers = objectOf(base.credHelpers)
  if (typeof base.credsStore === 'string' && base.credsStore !== '') {
    // A credsStore answers for every registry; pin it to the others by name so ours come from auths.
    for (const key of Object.keys(objectOf(base.auths)))
      if (!ours.has(key) && !(key in helpers)) helpers[key] = base.credsStore
    delete base.credsStore
  }
  for (const key of ours) delete helpers[key]
  if (Object.keys(helpers).length > 0) base.credHelpers = helpers
  else delete base.credHelpers
  const auths = objectOf(base.auths)
  for (const login of logins) {
    auths[authKey(login.registry)] = {
      auth: Buffer.from(`${login.username}:${login.password}`).toString('base64')
    }
  }
  base.auths = auths
  return base
}
