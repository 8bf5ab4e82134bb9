import { MAX_SHOWN } from '../model/diagnosis'
import type { ProxyUrl } from '../model/proxy'

/**
 * A notice for a builder put on the host network by a loopback proxy the workflow never named: the runner's
 * environment set it. It keeps working that way (it is what such runners need), but every RUN step then shares the
 * runner's network, so the job log says so where annotations show, with the way out.
 */
export function inheritedProxyNotice(proxies: ProxyUrl[]): string | undefined {
  if (proxies.length === 0) return undefined
  const named = proxies.map(proxy => `${proxy.fromEnvironment}=${proxy.display}`).join(', ')
  // Both spellings: with one blanked, the action would take the other.
  const variables = proxies
    .flatMap(proxy => [proxy.fromEnvironment?.toUpperCase(), proxy.fromEnvironment?.toLowerCase()])
    .map(name => `${name}: ""`)
    .join(', ')
  return (
    `The builder and every RUN step share the runner's host network: the runner's environment sets a proxy on ` +
    `loopback (${named}), which a builder on its own network could not reach. To opt out, set ${variables} in ` +
    `this step's env (no proxy), or name the proxy the builder should use with the http-proxy and https-proxy inputs.`
  )
}

/** A cache step that failed while the build went on: the image is fine, only the cache was not used or saved. */
export function cacheFailureWarning({ step, error }: { step: string; error: string }): string {
  const effect = step.startsWith('importing')
    ? 'the build ran without that cache'
    : 'the image was pushed, but the cache was not saved'
  return `Build cache: ${step} failed${error ? ` (${error.slice(0, MAX_SHOWN)})` : ''}; ${effect}.`
}
