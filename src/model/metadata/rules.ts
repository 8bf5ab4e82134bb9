/**
 * The meta-tags, meta-flavor and meta-images inputs read into rules, with metadata-action's defaults: the
 * default tag list, each type's priority, prefix and format. What this engine does not do (type=match, match=,
 * unknown attributes) is refused here, naming the input and the entry.
 */
import { InputError } from '../input-error'
import { imageRepository, isImageReference } from '../image-ref'
import { entryFields, listEntries } from './list'
import { parseTemplate, Part, Source } from './template'

export const INPUTS = {
  images: 'meta-images',
  tags: 'meta-tags',
  flavor: 'meta-flavor',
  labels: 'meta-labels',
  annotations: 'meta-annotations'
} as const

export type TagType = 'schedule' | 'semver' | 'pep440' | 'edge' | 'ref' | 'raw' | 'sha'
export type RefEvent = 'branch' | 'tag' | 'pr'

/** metadata-action's default priorities: the first tag produced (highest) is the version. */
export const DEFAULT_PRIORITY: Readonly<Record<TagType, number>> = {
  schedule: 1000,
  semver: 900,
  pep440: 900,
  edge: 700,
  ref: 600,
  raw: 200,
  sha: 100
}

/** The attributes each type takes besides enable, priority, prefix and suffix. */
const TYPE_ATTRIBUTES: Readonly<Record<TagType, readonly string[]>> = {
  schedule: ['pattern'],
  semver: ['pattern', 'value'],
  pep440: ['pattern', 'value'],
  edge: ['branch'],
  ref: ['event'],
  raw: ['value'],
  sha: ['format']
}
const COMMON_ATTRIBUTES = ['enable', 'priority', 'prefix', 'suffix']

/** metadata-action's tag types this engine leaves out, with what to use instead. */
const UNSUPPORTED_TYPES: Readonly<Record<string, string>> = {
  match: 'type=match is not supported here; use type=semver, type=pep440 or type=ref,event=tag.'
}

type Refuse = (reason: string, hint: string) => never

export const DEFAULT_TAGS = [
  'type=schedule',
  'type=ref,event=branch',
  'type=ref,event=tag',
  'type=ref,event=pr'
]

export interface TagRule {
  type: TagType
  /** The entry as written, for messages. */
  entry: string
  priority: number
  /** enable= as a template; it must render to true or false. */
  enable: Part[]
  /** prefix=/suffix= when the entry sets them (even to ''): they replace the flavor's. */
  prefix?: Part[]
  suffix?: Part[]
  /** schedule, semver, pep440 */
  pattern?: Part[]
  /** semver, pep440, raw: value= as written ('' when absent) and parsed. */
  valueText: string
  value: Part[]
  event?: RefEvent
  branch?: string
  format?: 'short' | 'long'
}

export interface Flavor {
  latest: 'auto' | 'true' | 'false'
  prefix: string
  suffix: string
  prefixOnLatest: boolean
  suffixOnLatest: boolean
}

/** Tag rules, highest priority first (equal priorities keep their order), or metadata-action's defaults. */
export function parseTagRules(text: string): TagRule[] {
  const entries = listEntries(INPUTS.tags, text)
  const rules = (entries.length > 0 ? entries : DEFAULT_TAGS).map(parseTagRule)
  // Array.prototype.sort is stable.
  return rules.sort((a, b) => b.priority - a.priority)
}

function parseTagRule(entry: string): TagRule {
  const source: Source = { input: INPUTS.tags, entry }
  const refuse: Refuse = (reason, hint) => {
    throw new InputError(INPUTS.tags, entry, reason, hint)
  }
  const attributes = new Map<string, string>()
  let type: TagType = 'raw'
  for (const fieldText of entryFields(INPUTS.tags, entry)) {
    // The first "=" separates key and value, if something comes before it; otherwise the field is a value.
    const equals = fieldText.indexOf('=')
    if (equals <= 0) {
      attributes.set('value', fieldText.trim())
      continue
    }
    const key = fieldText.slice(0, equals).trim().toLowerCase()
    const value = fieldText.slice(equals + 1).trim()
    if (key !== 'type') {
      attributes.set(key, value)
    } else if (Object.hasOwn(DEFAULT_PRIORITY, value)) {
      type = value as TagType
    } else if (Object.hasOwn(UNSUPPORTED_TYPES, value)) {
      refuse(`has type=${value}`, UNSUPPORTED_TYPES[value])
    } else {
      refuse(`has an unknown type "${value}"`, `Use one of ${Object.keys(DEFAULT_PRIORITY).join(', ')}.`)
    }
  }
  for (const key of attributes.keys()) {
    if (COMMON_ATTRIBUTES.includes(key) || TYPE_ATTRIBUTES[type].includes(key)) continue
    const what = key === 'value' ? 'a value' : `the attribute ${key}=`
    refuse(
      `has ${what}, which type=${type} does not take`,
      key === 'match'
        ? 'match= is not supported here; give the version itself with value=.'
        : `type=${type} takes ${[...TYPE_ATTRIBUTES[type], ...COMMON_ATTRIBUTES].map(k => `${k}=`).join(', ')}.`
    )
  }
  const template = (key: string): Part[] | undefined => {
    const value = attributes.get(key)
    return value === undefined ? undefined : parseTemplate(source, value)
  }
  const rule: TagRule = {
    type,
    entry,
    priority: priority(entry, attributes.get('priority'), type),
    enable: template('enable') ?? ['true'],
    prefix: template('prefix'),
    suffix: template('suffix'),
    valueText: attributes.get('value') ?? '',
    value: template('value') ?? []
  }
  switch (type) {
    case 'schedule':
      rule.pattern = template('pattern') ?? ['nightly']
      break
    case 'semver':
    case 'pep440':
      rule.pattern = template('pattern') ?? refuse('has no pattern=', `Add e.g. pattern={{version}}.`)
      break
    case 'edge':
      rule.branch = attributes.get('branch') ?? ''
      break
    case 'ref': {
      const event = attributes.get('event')
      if (event !== 'branch' && event !== 'tag' && event !== 'pr') {
        refuse(
          event === undefined ? 'has no event=' : `has event=${event}`,
          'Use event=branch, event=tag or event=pr.'
        )
      }
      rule.event = event
      // Pull request tags read pr-2, unless the entry says otherwise.
      if (event === 'pr' && rule.prefix === undefined) rule.prefix = ['pr-']
      break
    }
    case 'raw':
      if (!attributes.has('value')) refuse('has no value', 'Write type=raw,value=TAG.')
      break
    case 'sha': {
      const format = attributes.get('format') ?? 'short'
      if (format !== 'short' && format !== 'long')
        refuse(`has format=${format}`, 'Use format=short or format=long.')
      rule.format = format
      if (rule.prefix === undefined) rule.prefix = ['sha-']
      break
    }
  }
  return rule
}

function priority(entry: string, value: string | undefined, type: TagType): number {
  if (value === undefined) return DEFAULT_PRIORITY[type]
  if (!/^[+-]?[0-9]{1,9}$/.test(value)) {
    throw new InputError(
      INPUTS.tags,
      entry,
      `has priority=${value}`,
      'The priority is a whole number, e.g. 2000.'
    )
  }
  return Number(value)
}

/** The flavor: later lines override earlier ones; onlatest= applies to the prefix= or suffix= before it. */
export function parseFlavor(text: string): Flavor {
  const flavor: Flavor = {
    latest: 'auto',
    prefix: '',
    suffix: '',
    prefixOnLatest: false,
    suffixOnLatest: false
  }
  for (const entry of listEntries(INPUTS.flavor, text)) {
    const refuse: Refuse = (reason, hint) => {
      throw new InputError(INPUTS.flavor, entry, reason, hint)
    }
    let onLatestFor: 'prefix' | 'suffix' | undefined
    for (const fieldText of entryFields(INPUTS.flavor, entry)) {
      const parts = fieldText.split('=').map(part => part.trim())
      if (parts.length === 1) refuse(`has "${fieldText}", which is not key=value`, FLAVOR_HINT)
      // metadata-action would keep only the text up to a second "=".
      if (parts.length > 2) refuse(`has "${fieldText}" with more than one "="`, FLAVOR_HINT)
      const [key, value] = [parts[0].toLowerCase(), parts[1]]
      switch (key) {
        case 'latest':
          if (value !== 'auto' && value !== 'true' && value !== 'false') {
            refuse(`has latest=${value}`, 'Use latest=auto, latest=true or latest=false.')
          }
          flavor.latest = value
          break
        case 'prefix':
        case 'suffix':
          parseTemplate({ input: INPUTS.flavor, entry }, value)
          flavor[key] = value
          onLatestFor = key
          break
        case 'onlatest':
          if (value !== 'true' && value !== 'false')
            refuse(`has onlatest=${value}`, 'Use onlatest=true or false.')
          if (onLatestFor === undefined) {
            refuse(
              'has onlatest= without a prefix= or suffix= before it',
              'Write e.g. prefix=v,onlatest=true.'
            )
          }
          flavor[onLatestFor === 'prefix' ? 'prefixOnLatest' : 'suffixOnLatest'] = value === 'true'
          break
        default:
          refuse(`has an unknown key "${parts[0]}"`, FLAVOR_HINT)
      }
    }
  }
  return flavor
}

const FLAVOR_HINT = 'The flavor takes latest=auto|true|false, prefix=, suffix= and onlatest=true|false.'

/**
 * Image names, lower-cased, without the disabled ones. One line of plain names may list several separated by
 * commas (metadata-action's old form); otherwise each line is one image: NAME or name=NAME[,enable=false].
 */
export function parseImages(text: string): string[] {
  const entries = listEntries(INPUTS.images, text)
  const images: string[] = []
  const plainLine =
    entries.length === 1 && entryFields(INPUTS.images, entries[0]).every(f => !f.includes('='))
  if (plainLine) {
    for (const name of entryFields(INPUTS.images, entries[0])) images.push(imageName(entries[0], name.trim()))
    return images
  }
  for (const entry of entries) {
    const refuse: Refuse = (reason, hint) => {
      throw new InputError(INPUTS.images, entry, reason, hint)
    }
    let name: string | undefined
    let enable = true
    for (const fieldText of entryFields(INPUTS.images, entry)) {
      const parts = fieldText.split('=').map(part => part.trim())
      if (parts.length > 2) refuse(`has "${fieldText}" with more than one "="`, IMAGE_HINT)
      const key = parts.length === 1 ? 'name' : parts[0].toLowerCase()
      const value = parts.length === 1 ? parts[0] : parts[1]
      if (key === 'name') {
        if (name !== undefined) refuse('names more than one image', 'Write one image per line.')
        name = value
      } else if (key === 'enable') {
        if (value !== 'true' && value !== 'false')
          refuse(`has enable=${value}`, 'Use enable=true or enable=false.')
        enable = value === 'true'
      } else {
        refuse(`has an unknown attribute "${parts[0]}"`, IMAGE_HINT)
      }
    }
    const image = imageName(entry, name ?? '')
    if (enable) images.push(image)
  }
  return images
}

const IMAGE_HINT = 'Write one image per line: NAME, or name=NAME,enable=true|false.'

function imageName(entry: string, name: string): string {
  const image = name.toLowerCase()
  if (image === '') throw new InputError(INPUTS.images, entry, 'has an empty image name', IMAGE_HINT)
  if (!isImageReference(image) || imageRepository(image) !== image) {
    throw new InputError(
      INPUTS.images,
      entry,
      `has "${name}", which is not an image name without a tag`,
      'Give the repository only, e.g. ghcr.io/owner/app; the tags come from meta-tags.'
    )
  }
  return image
}
