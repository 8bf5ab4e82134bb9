/**
 * docker/metadata-action's tags, labels and annotations, computed in-process from the inputs and the ref:
 * no API call, no file, no process. The caller builds the RefContext (refContextFrom) and turns the result
 * into outputs and build arguments.
 */
import { DEFAULT_ANNOTATION_LEVELS, RefContext } from './context'
import { ociEntries } from './labels'
import { INPUTS, parseFlavor, parseImages, parseTagRules } from './rules'
import { computeVersion, imageTags, tagNames } from './tags'

export { refContextFrom } from './context'
export type { RefContext } from './context'
export { INPUTS as METADATA_INPUTS } from './rules'

/** The inputs' texts as the runner gives them. */
export interface MetadataInputs {
  images: string
  tags: string
  flavor: string
  labels: string
  annotations: string
}

/** metadata-action's json output. */
export interface MetadataJson {
  tags: string[]
  'tag-names': string[]
  labels: Record<string, string>
  annotations: string[]
}

export interface MetadataResult {
  /** image:tag for every image and tag, image by image (bare tags when there is no image). */
  tags: string[]
  /** The tags without image names. */
  tagNames: string[]
  /** key=value, sorted by key. */
  labels: string[]
  /** level:key=value for each annotation level (manifest by default). */
  annotations: string[]
  /** The first tag ('' when there is none). */
  version: string
  json: MetadataJson
  /** What metadata-action would warn about: a tag that is no version, no tag at all, a dropped label. */
  warnings: string[]
}

export function generateMetadata(inputs: MetadataInputs, context: RefContext): MetadataResult {
  const warnings: string[] = []
  const images = parseImages(inputs.images)
  const rules = parseTagRules(inputs.tags)
  const flavor = parseFlavor(inputs.flavor)
  const version = computeVersion(rules, flavor, context, warnings)
  const names = tagNames(version, flavor, inputs.flavor)
  const tags = imageTags(images, names)
  if (version.main === undefined)
    warnings.push('No Docker image version has been generated. Check meta-tags.')
  if (tags.length === 0) warnings.push('No Docker tag has been generated. Check meta-tags.')
  const versionText = version.main ?? ''
  const labels = ociEntries(INPUTS.labels, inputs.labels, context, versionText, warnings)
  const levels = context.annotationLevels ?? DEFAULT_ANNOTATION_LEVELS
  const annotationEntries = ociEntries(INPUTS.annotations, inputs.annotations, context, versionText, warnings)
  const annotations = levels.flatMap(level => annotationEntries.map(entry => `${level}:${entry}`))
  // fromEntries defines own properties, so even a __proto__ key is kept as a label.
  const labelObject: Record<string, string> = Object.fromEntries(
    labels.map(label => [label.slice(0, label.indexOf('=')), label.slice(label.indexOf('=') + 1)])
  )
  return {
    tags,
    tagNames: names,
    labels,
    annotations,
    version: versionText,
    json: { tags, 'tag-names': names, labels: labelObject, annotations },
    warnings
  }
}
