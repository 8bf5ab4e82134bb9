import type { BuildInputs } from './build-options'
import { InputError } from '../model/input-error'
import { DigestSource, parseDigestSource } from '../model/image-ref'

/** What a step of a split build does: a normal build, one part pushed by digest, or the merge of the parts. */
export interface SplitInputs {
  /** Push the result under its digest only: the tags name repositories, no tag is written. */
  pushByDigest: boolean
  /** Digests to merge into one index under every tag; when there are any, nothing is built. */
  mergeDigests: DigestSource[]
}

interface Given {
  pushByDigest: boolean
  /** merge-digests entries, blank ones already dropped. */
  mergeDigests: string[]
  tags: string[]
  push: boolean
  load: boolean
  build: Pick<BuildInputs, 'outputs'>
}

/** Checks the split inputs against each other and the build inputs they change. */
export function parseSplitInputs(given: Given): SplitInputs {
  const mergeDigests = given.mergeDigests.map(entry => {
    const source = parseDigestSource(entry)
    if (!source) {
      throw new InputError(
        'merge-digests',
        entry,
        'not a digest',
        'Give the digest output of a push-by-digest step: "sha256:" and 64 hex digits, optionally after ' +
          '"repository@".'
      )
    }
    return source
  })
  if (given.pushByDigest && mergeDigests.length > 0) {
    throw new InputError(
      'merge-digests',
      given.mergeDigests.join(','),
      'cannot be used with "push-by-digest: true" in the same step',
      'Build and push by digest in one job per runner, then merge their digests in a later job.'
    )
  }
  const mode = given.pushByDigest ? 'push-by-digest' : mergeDigests.length > 0 ? 'merge-digests' : ''
  if (mode !== '' && given.tags.length === 0) {
    throw new InputError(
      'tags',
      '',
      `is empty, but "${mode}" needs the image's repository`,
      'Give the image name, e.g. "registry.example.com/team/app" (a tag part is ignored when pushing by digest).'
    )
  }
  if (given.pushByDigest) {
    if (!given.push || given.load) {
      throw new InputError(
        'push-by-digest',
        'true',
        given.load ? 'cannot load the image as well' : 'needs "push: true"',
        'A digest-only image exists only in the registry: keep "push: true" and "load: false".'
      )
    }
    if (given.build.outputs.length > 0) {
      throw new InputError(
        'outputs',
        given.build.outputs.join(' '),
        'cannot be combined with "push-by-digest: true", which sets the output itself',
        'Remove "outputs", or drop push-by-digest and write type=image,push-by-digest=true yourself.'
      )
    }
  }
  return { pushByDigest: given.pushByDigest, mergeDigests }
}
