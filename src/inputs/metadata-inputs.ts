import { InputError } from '../model/input-error'
import { generateMetadata, MetadataResult, refContextFrom } from '../model/metadata'
import type { InputSource } from './input-source'

const DEPENDENT = ['meta-tags', 'meta-flavor', 'meta-labels', 'meta-annotations'] as const

/**
 * Tags, labels and annotations made from the Git ref in this step, as docker/metadata-action makes them (no API
 * call: the repository facts come from the event payload). On when meta-images is set; undefined otherwise.
 */
export function parseMetadataInputs(
  source: InputSource,
  eventText: string | undefined,
  merging: boolean
): MetadataResult | undefined {
  const images = source.get('meta-images')
  if (images.trim() === '') {
    const given = DEPENDENT.find(name => source.get(name).trim() !== '')
    if (given !== undefined)
      throw new InputError(
        given,
        source.get(given).trim(),
        'needs meta-images: the tags and labels are made for those images',
        'Add meta-images with the image names, e.g. "ghcr.io/owner/app", or remove the meta-* inputs.'
      )
    return undefined
  }
  let payload: unknown = {}
  try {
    payload = JSON.parse(eventText ?? '')
  } catch {
    // No payload outside a workflow run: the ref and the commit still come from the environment.
  }
  const context = refContextFrom(source.env, payload, source.now?.() ?? new Date())
  // A merge writes only the index (imagetools takes no manifest annotations): the legs put them on each image.
  if (merging && !source.env.DOCKER_METADATA_ANNOTATIONS_LEVELS) context.annotationLevels = ['index']
  return generateMetadata(
    {
      images,
      tags: source.get('meta-tags'),
      flavor: source.get('meta-flavor'),
      labels: source.get('meta-labels'),
      annotations: source.get('meta-annotations')
    },
    context
  )
}
