import { InputError } from '../../../src/model/input-error'
import { DIGEST_A as A } from '../../support/digests'
import { inputsOf } from '../../support/inputs'

function inputError(values: Record<string, string>): InputError {
  try {
    inputsOf(values)
  } catch (error) {
    if (error instanceof InputError) return error
    throw error
  }
  throw new Error('no InputError')
}

describe('push-by-digest', () => {
  it('is refused with push: false, load, or outputs, naming the input', () => {
    const base = { tags: 'r.example/app', 'push-by-digest': 'true' }
    expect(inputError({ ...base, push: 'false' }).message).toMatch(/push-by-digest.*needs "push: true"/)
    expect(inputError({ ...base, load: 'true' }).message).toMatch(/push-by-digest.*cannot load/)
    expect(inputError({ ...base, outputs: 'type=local,dest=out' }).message).toMatch(
      /"outputs".*push-by-digest/
    )
    expect(inputError({ 'push-by-digest': 'true', push: 'false' }).message).toMatch(/"tags".*repository/)
  })
})

describe('merge-digests', () => {
  it.each([
    ['a tag instead of a digest', 'r.example/app:1'],
    ['a short digest', 'sha256:abc'],
    ['a digest with a tag before it', `r.example/app:1@${A}`],
    ['an option', `--push@${A}`],
    ['upper-case hex', `sha256:${'A'.repeat(64)}`]
  ])('refuses %s', (_, entry) => {
    expect(inputError({ tags: 'r.example/app:1', 'merge-digests': entry }).message).toMatch(
      /Input "merge-digests".*not a digest/
    )
  })
  it('is refused together with push-by-digest, and without tags', () => {
    expect(
      inputError({ tags: 'r.example/app', 'push-by-digest': 'true', 'merge-digests': A }).message
    ).toMatch(/"merge-digests".*push-by-digest/)
    expect(inputError({ 'merge-digests': A, push: 'false' }).message).toMatch(/"tags".*merge-digests/)
  })
})
