import { InputError } from '../model/input-error'
import { parseYamlList } from './yaml-list'
import { parseDriverOpt } from './builder-inputs'
import { positionalValue } from './lists'
import { isPlatform } from '../model/platform'

/** An extra node of the builder, as the `append` input describes it (the YAML setup-buildx-action users know). */
export interface AppendNode {
  name: string
  endpoint: string
  platforms: string[]
  driverOpts: string[]
  buildkitdFlags: string
}

const hint =
  'Write a YAML list, e.g.\n- name: arm64\n  endpoint: ssh://runner@arm-host\n  platforms: linux/arm64\n  driver-opts:\n    - memory=4g'

export function parseAppendNodes(text: string): AppendNode[] {
  if (text.trim() === '') return []
  const value = parseYamlList('append', text, text.split('\n')[0], 'nodes', hint)
  return value.map((entry, index) => {
    if (typeof entry !== 'object' || entry === null)
      throw new InputError('append', String(entry), `node ${index + 1} is not a mapping`, hint)
    const node = entry as Record<string, unknown>
    const text = (key: string) => (node[key] === undefined ? '' : String(node[key]).trim())
    const list = (key: string): string[] => {
      const raw = node[key]
      if (raw === undefined) return []
      return (Array.isArray(raw) ? raw.map(String) : String(raw).split(','))
        .map(s => s.trim())
        .filter(s => s !== '')
    }
    const name = text('name')
    if (!/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/.test(name)) {
      throw new InputError(
        'append',
        name,
        `node ${index + 1} needs a name of letters, digits, ".", "_" or "-"`,
        hint
      )
    }
    const endpoint = text('endpoint')
    if (endpoint === '') throw new InputError('append', name, `node ${name} has no endpoint`, hint)
    positionalValue(
      'append',
      endpoint,
      `Give node ${name} a Docker context name or a unix://, tcp:// or ssh:// address.`
    )
    const platforms = list('platforms')
    const bad = platforms.find(platform => !isPlatform(platform))
    if (bad)
      throw new InputError(
        'append',
        bad,
        `node ${name} has a platform not of the form os/arch[/variant]`,
        hint
      )
    return {
      name,
      endpoint,
      platforms,
      driverOpts: list('driver-opts').map(opt => parseDriverOpt(opt, 'append')),
      buildkitdFlags: text('buildkitd-flags')
    }
  })
}
