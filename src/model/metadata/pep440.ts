/**
 * PEP 440 versions as metadata-action reads them (the @renovate/pep440 1.0.0 it uses): the spec's grammar,
 * case-insensitive, with that library's normal form for {{version}} (alpha → a, c/pre/preview → rc, rev/r →
 * post, an implicit 0 after a bare pre/post/dev, 1.0-1 → 1.0.post1) and its major/minor/patch.
 */

export interface Pep440Version {
  /** The text as given (what {{raw}} prints). */
  raw: string
  epoch: number
  release: number[]
  pre?: [string, number]
  post?: [string, number]
  dev?: [string, number]
  local?: Array<string | number>
}

const SEPARATOR = '[-_.]?'
const GRAMMAR = new RegExp(
  '^v?(?:' +
    '(?:([0-9]+)!)?' + // epoch
    '([0-9]+(?:\\.[0-9]+)*)' + // release
    `(?:${SEPARATOR}(a|b|c|rc|alpha|beta|pre|preview)${SEPARATOR}([0-9]+)?)?` + // pre-release
    `(?:-([0-9]+)|${SEPARATOR}(post|rev|r)${SEPARATOR}([0-9]+)?)?` + // post-release
    `(?:${SEPARATOR}(dev)${SEPARATOR}([0-9]+)?)?` + // development release
    ')(?:\\+([a-z0-9]+(?:[-_.][a-z0-9]+)*))?$', // local version
  'i'
)

const SPELLINGS: Record<string, string> = {
  alpha: 'a',
  beta: 'b',
  c: 'rc',
  pre: 'rc',
  preview: 'rc',
  rev: 'post',
  r: 'post'
}

export function parsePep440(text: string): Pep440Version | undefined {
  const match = GRAMMAR.exec(text)
  if (!match) return undefined
  const [
    ,
    epoch,
    release,
    preLetter,
    preNumber,
    postImplicit,
    postLetter,
    postNumber,
    devLetter,
    devNumber,
    local
  ] = match
  return {
    raw: text,
    epoch: Number(epoch ?? 0),
    release: release.split('.').map(Number),
    pre: letterVersion(preLetter, preNumber),
    post: letterVersion(postLetter, postImplicit ?? postNumber),
    dev: letterVersion(devLetter, devNumber),
    // The library turns a numeric-looking part into a number (so 007 is 7) and lower-cases the others.
    local: local?.split(/[-_.]/).map(part => (Number.isNaN(Number(part)) ? part.toLowerCase() : Number(part)))
  }
}

function letterVersion(letter: string | undefined, number: string | undefined): [string, number] | undefined {
  if (letter === undefined) return number === undefined ? undefined : ['post', Number(number)]
  const lower = letter.toLowerCase()
  return [SPELLINGS[lower] ?? lower, Number(number ?? 0)]
}

/** dev, pre and post releases get no {{major}}-style tags and no latest. */
export function isPep440Prerelease(version: Pep440Version): boolean {
  return version.pre !== undefined || version.post !== undefined || version.dev !== undefined
}

/**
 * The library's clean(): epoch!, release, pre, .post, .dev, +local. Its local part is printed as a JavaScript
 * array is, with commas (1.0+abc.1 → 1.0+abc,1); the tag sanitizer then makes that 1.0-abc-1.
 */
export function cleanPep440(version: Pep440Version): string {
  let out = version.epoch !== 0 ? `${version.epoch}!` : ''
  out += version.release.join('.')
  if (version.pre) out += version.pre.join('')
  if (version.post) out += `.${version.post.join('')}`
  if (version.dev) out += `.${version.dev.join('')}`
  if (version.local) out += `+${version.local.join(',')}`
  return out
}

export function pep440Major(version: Pep440Version): number {
  return version.release[0]
}

export function pep440Minor(version: Pep440Version): number {
  return version.release.length < 2 ? 0 : version.release[1]
}

export function pep440Patch(version: Pep440Version): number {
  return version.release.length < 3 ? 0 : version.release[2]
}
