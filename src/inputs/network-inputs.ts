import { InputError } from '../model/input-error'
import { parseNoProxy } from '../model/no-proxy'
import { ProxySettings, parseProxyUrl } from '../model/proxy'
import { MirrorEntry, parseInsecureRegistry, parseMirrorEntry } from '../model/registries'
import { INPUT_DEFAULTS, PROXY_INPUTS } from './input-table'
import { oneOf, readList } from './lists'
import type { InputSource } from './input-source'

/** Mirrors, insecure registries, proxies, the user's buildkitd config and how the preflight treats a dead mirror. */
export interface NetworkInputs {
  mirrors: MirrorEntry[]
  insecureRegistries: string[]
  proxy: ProxySettings
  configSources: { input: string; text: string }[]
  mirrorCheck: MirrorCheck
}

export function parseNetworkInputs(source: InputSource): NetworkInputs {
  return {
    mirrors: readList('registry-mirrors', source.get('registry-mirrors')).map(parseMirrorEntry),
    insecureRegistries: readList('insecure-registries', source.get('insecure-registries')).map(
      parseInsecureRegistry
    ),
    proxy: readProxy(source),
    configSources: readConfigSources(source),
    mirrorCheck: oneOf(
      'mirror-check',
      source.get('mirror-check').trim(),
      ['warn', 'strict', 'off'] as const,
      INPUT_DEFAULTS['mirror-check']
    )
  }
}

export type MirrorCheck = 'warn' | 'strict' | 'off'

export function rawProxyValue(source: Pick<InputSource, 'get' | 'env'>, index: number): string {
  return proxyValue(source, index).value
}

/** The input's value, else the first of its step variables that is set; `variable` names that variable. */
function proxyValue(
  source: Pick<InputSource, 'get' | 'env'>,
  index: number
): { value: string; variable?: string } {
  const { input, env } = PROXY_INPUTS[index]
  const explicit = source.get(input).trim()
  if (explicit !== '') return { value: explicit }
  const variable = env.find(name => (source.env[name] ?? '').trim() !== '')
  return variable ? { value: (source.env[variable] ?? '').trim(), variable } : { value: '' }
}

function readProxyUrl(source: InputSource, index: 0 | 1): ProxySettings['http'] {
  const { value, variable } = proxyValue(source, index)
  if (value === '') return undefined
  const url = parseProxyUrl(PROXY_INPUTS[index].input, value)
  return variable ? { ...url, fromEnvironment: variable } : url
}

function readProxy(source: InputSource): ProxySettings {
  return {
    http: readProxyUrl(source, 0),
    https: readProxyUrl(source, 1),
    noProxy: parseNoProxy(rawProxyValue(source, 2))
  }
}

function readConfigSources(source: InputSource): { input: string; text: string }[] {
  const sources: { input: string; text: string }[] = []
  const path = source.get('buildkitd-config').trim()
  if (path !== '') {
    let text: string
    try {
      text = source.readFile(path)
    } catch (error) {
      throw new InputError(
        'buildkitd-config',
        path,
        `cannot read the file (${(error as NodeJS.ErrnoException).code ?? error})`,
        'Give the path of a buildkitd.toml relative to the workspace, or use buildkitd-config-inline.'
      )
    }
    sources.push({ input: 'buildkitd-config', text })
  }
  const inline = source.get('buildkitd-config-inline')
  if (inline.trim() !== '') sources.push({ input: 'buildkitd-config-inline', text: inline })
  return sources
}
