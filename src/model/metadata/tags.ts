/**
 * From the rules and the ref to the image version and tags, as metadata-action does it: rules run highest
 * priority first; the first value produced is the version (and decides latest=auto), later ones are extra tags;
 * each value is prefixed, suffixed and sanitized, duplicates dropped. A tag Docker would still refuse (starting
 * with "." or "-", longer than 128) is refused here, naming the rule that made it.
 */
import { InputError } from '../input-error'
import { RefContext } from './context'
import {
  BRANCH_PREFIX,
  globalScope,
  PULL_PREFIX,
  refName,
  scheduleScope,
  shortSha,
  TAG_PREFIX
} from './expressions'
import { cleanPep440, isPep440Prerelease, parsePep440, pep440Major, pep440Minor, pep440Patch } from './pep440'
import { Flavor, INPUTS, TagRule } from './rules'
import { parseSemver } from './semver'
import {
  Expression,
  isRawStatement,
  noArguments,
  Part,
  render,
  renderTemplate,
  Scope,
  Source
} from './template'

export interface Version {
  /** The first tag: the version output and label. */
  main?: string
  /** The other tags, in rule order, without duplicates. */
  partial: string[]
  latest: boolean
}

/** What Docker takes as a tag. */
export const DOCKER_TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/

/** metadata-action's sanitizer: every run of characters a tag cannot hold becomes one "-". */
export function sanitizeTag(tag: string): string {
  return tag.replace(/[^a-zA-Z0-9._-]+/g, '-')
}

interface Run {
  context: RefContext
  flavor: Flavor
  version: { main?: string; partial: string[]; latest?: boolean }
  warnings: string[]
}

export function computeVersion(
  rules: TagRule[],
  flavor: Flavor,
  context: RefContext,
  warnings: string[]
): Version {
  const run: Run = { context, flavor, version: { partial: [] }, warnings }
  for (const rule of rules) {
    const source = { input: INPUTS.tags, entry: rule.entry }
    const enabled = renderTemplate(source, rule.enable, globalScope(context, source))
    if (enabled !== 'true' && enabled !== 'false') {
      throw new InputError(
        INPUTS.tags,
        rule.entry,
        `has enable= that gives "${enabled}"`,
        'enable= must be true or false, e.g. enable={{is_default_branch}}.'
      )
    }
    if (enabled === 'true') PRODUCE[rule.type](run, rule)
  }
  const { main, partial, latest } = run.version
  return { main, partial: [...new Set(partial)], latest: latest ?? false }
}

type Producer = (run: Run, rule: TagRule) => void

const PRODUCE: Readonly<Record<TagRule['type'], Producer>> = {
  schedule: (run, rule) => {
    if (!run.context.eventName.includes('schedule')) return
    const source = { input: INPUTS.tags, entry: rule.entry }
    const value = renderTemplate(source, rule.pattern ?? [], scheduleScope(run.context, source))
    add(run, rule, value, false)
  },
  semver: (run, rule) => {
    const raw = versionText(run, rule)
    if (raw === undefined) return
    const version = parseSemver(raw)
    if (version === undefined) {
      run.warnings.push(`${raw} is not a valid semantic version (semver.org); ${rule.entry} gives no tag.`)
      return
    }
    const scope = versionScope(rule, {
      raw: () => version.raw,
      version: () => version.version,
      major: () => String(version.major),
      minor: () => String(version.minor),
      patch: () => String(version.patch)
    })
    const source = { input: INPUTS.tags, entry: rule.entry }
    // A pre-release gets {{version}} (or {{raw}} when that is the whole pattern), never {{major}}-style tags.
    if (version.prerelease.length > 0) {
      const pattern: Part[] = isRawStatement(rule.pattern ?? []) ? (rule.pattern ?? []) : [VERSION]
      add(run, rule, renderTemplate(source, pattern, scope), false)
    } else {
      add(run, rule, renderTemplate(source, rule.pattern ?? [], scope), true)
    }
  },
  pep440: (run, rule) => {
    const raw = versionText(run, rule)
    if (raw === undefined) return
    const version = parsePep440(raw)
    if (version === undefined) {
      run.warnings.push(`${raw} does not conform to PEP 440; ${rule.entry} gives no tag.`)
      return
    }
    if (isPep440Prerelease(version)) {
      add(run, rule, isRawStatement(rule.pattern ?? []) ? raw : cleanPep440(version), false)
      return
    }
    const scope = versionScope(rule, {
      raw: () => raw,
      version: () => cleanPep440(version),
      major: () => String(pep440Major(version)),
      minor: () => String(pep440Minor(version)),
      patch: () => String(pep440Patch(version))
    })
    add(run, rule, renderTemplate({ input: INPUTS.tags, entry: rule.entry }, rule.pattern ?? [], scope), true)
  },
  ref: (run, rule) => {
    const { ref } = run.context
    if (rule.event === 'branch' && ref.startsWith(BRANCH_PREFIX)) {
      add(run, rule, refName(run.context, BRANCH_PREFIX), false)
    } else if (rule.event === 'tag' && ref.startsWith(TAG_PREFIX)) {
      add(run, rule, refName(run.context, TAG_PREFIX), true)
    } else if (rule.event === 'pr' && ref.startsWith(PULL_PREFIX)) {
      add(run, rule, refName(run.context, PULL_PREFIX).replace(/\/merge$/, ''), false)
    }
  },
  edge: (run, rule) => {
    if (!run.context.ref.startsWith(BRANCH_PREFIX)) return
    const branch = refName(run.context, BRANCH_PREFIX)
    if (branch !== (rule.branch || defaultBranch(run.context, rule))) return
    add(run, rule, 'edge', false)
  },
  raw: (run, rule) => {
    const source = { input: INPUTS.tags, entry: rule.entry }
    add(run, rule, renderTemplate(source, rule.value, globalScope(run.context, source)), false)
  },
  sha: (run, rule) => {
    const { sha } = run.context
    if (sha === '') return
    add(run, rule, rule.format === 'long' ? sha : shortSha(run.context), false)
  }
}

const VERSION: Part = { name: 'version', args: [], hash: {}, escaped: true, source: '{{version}}' }

/** The Git tag, or value= when given (then on any ref), with "/" made "-"; undefined when there is none. */
function versionText(run: Run, rule: TagRule): string | undefined {
  const { context } = run
  if (rule.valueText === '') {
    if (!context.ref.startsWith(TAG_PREFIX)) return undefined
    return refName(context, TAG_PREFIX).replace(/\//g, '-')
  }
  const source = { input: INPUTS.tags, entry: rule.entry }
  return renderTemplate(source, rule.value, globalScope(context, source)).replace(/\//g, '-')
}

function versionScope(rule: TagRule, values: Record<string, () => string>): Scope {
  const source = { input: INPUTS.tags, entry: rule.entry }
  const scope: Record<string, (expression: Expression) => string> = {}
  for (const [name, value] of Object.entries(values)) {
    scope[name] = expression => {
      noArguments(source, expression)
      return value()
    }
  }
  return scope
}

/** type=edge without branch=: the repository's default branch. */
function defaultBranch(context: RefContext, rule: TagRule): string {
  if (context.defaultBranch !== undefined) return context.defaultBranch
  // These events run on the default branch (metadata-action's {{is_default_branch}} says so too).
  if (/create|discussion|issues|schedule/.test(context.eventName)) return refName(context, BRANCH_PREFIX)
  throw new InputError(
    INPUTS.tags,
    rule.entry,
    'needs the default branch, which the event payload does not name',
    'Name the branch: type=edge,branch=main.'
  )
}

/** setValue then setVersion: prefix and suffix (the rule's, else the flavor's), sanitize, and keep. */
function add(run: Run, rule: TagRule, value: string, latest: boolean): void {
  const { context, flavor, version } = run
  const source: Source = { input: INPUTS.tags, entry: rule.entry }
  const flavorSource: Source = { input: INPUTS.flavor, entry: '' }
  const render = (parts: Part[] | undefined, flavorText: string, flavorKey: string): string => {
    if (parts !== undefined) return renderTemplate(source, parts, globalScope(context, source))
    if (flavorText === '') return ''
    const from = { ...flavorSource, entry: `${flavorKey}=${flavorText}` }
    return renderFlavor(from, flavorText, context)
  }
  const prefix = render(rule.prefix, flavor.prefix, 'prefix')
  const suffix = render(rule.suffix, flavor.suffix, 'suffix')
  // metadata-action drops a value only when it is still empty with its prefix and suffix.
  const text = `${prefix}${value}${suffix}`
  if (text === '') return
  const tag = checkTag(INPUTS.tags, rule.entry, sanitizeTag(text))
  if (version.main === undefined) version.main = tag
  else if (tag !== version.main) version.partial.push(tag)
  if (version.latest === undefined)
    version.latest = flavor.latest === 'auto' ? latest : flavor.latest === 'true'
}

function renderFlavor(source: Source, text: string, context: RefContext): string {
  return render(source, text, globalScope(context, source))
}

function checkTag(input: string, entry: string, tag: string): string {
  if (!DOCKER_TAG.test(tag)) {
    throw new InputError(
      input,
      entry,
      `gives the tag ${JSON.stringify(tag.length > 140 ? `${tag.slice(0, 128)}…` : tag)}, which Docker refuses: ` +
        'a tag starts with a letter, digit or "_" and has at most 128 characters',
      'Add a prefix, shorten the value, or turn the rule off with enable=false for such refs.'
    )
  }
  return tag
}

/** The tags of one image (or bare names without images): version, extra tags, then latest. */
export function tagNames(version: Version, flavor: Flavor, flavorText: string): string[] {
  if (version.main === undefined) return []
  const names = [version.main, ...version.partial]
  if (version.latest) {
    for (const [on, text] of [
      [flavor.prefixOnLatest, flavor.prefix],
      [flavor.suffixOnLatest, flavor.suffix]
    ] as const) {
      // metadata-action writes the flavor's text into latest as is, template and all; that tag is refused.
      if (on && text.includes('{{')) {
        throw new InputError(
          INPUTS.flavor,
          flavorText,
          `has onlatest=true with a template in ${JSON.stringify(text)}`,
          'metadata-action puts such a prefix or suffix into the latest tag unrendered; use plain text.'
        )
      }
    }
    const latest = `${flavor.prefixOnLatest ? flavor.prefix : ''}latest${flavor.suffixOnLatest ? flavor.suffix : ''}`
    names.push(checkTag(INPUTS.flavor, flavorText, sanitizeTag(latest)))
  }
  return [...new Set(names)]
}

/** Every image with every tag name, image by image; the names alone when there are no images. */
export function imageTags(images: string[], names: string[]): string[] {
  if (images.length === 0) return names
  return images.flatMap(image => names.map(name => `${image}:${name}`))
}
