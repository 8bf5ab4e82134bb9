import { InputError } from '../../../src/model/input-error'
import { parseInputs } from '../../../src/inputs/parse'
import { inputSource } from '../../support/inputs'

describe('buildx download inputs', () => {
  const pushable = { tags: 'registry.example.com/app:1' }
  it('do not skip verification unless asked', () => {
    expect(parseInputs(inputSource(pushable)).buildxSkipVerification).toBe(false)
    expect(
      parseInputs(inputSource({ ...pushable, 'buildx-skip-verification': 'false' })).buildxSkipVerification
    ).toBe(false)
    expect(
      parseInputs(inputSource({ ...pushable, 'buildx-skip-verification': 'true' })).buildxSkipVerification
    ).toBe(true)
  })
  it('refuse a buildx-skip-verification that is not a boolean', () => {
    expect(() => parseInputs(inputSource({ ...pushable, 'buildx-skip-verification': 'yes please' }))).toThrow(
      /Input "buildx-skip-verification": not a boolean/
    )
  })
  it('refuse a plain-http buildx-download-url to another host when the inputs are read', () => {
    let caught: unknown
    try {
      parseInputs(inputSource({ ...pushable, 'buildx-download-url': 'http://mirror.corp/{version}/b' }))
    } catch (error) {
      caught = error
    }
    expect(caught).toBeInstanceOf(InputError)
    expect((caught as InputError).input).toBe('buildx-download-url')
  })
})
