import {
  cleanPep440,
  isPep440Prerelease,
  parsePep440,
  pep440Major,
  pep440Minor,
  pep440Patch
} from '../../../../src/model/metadata/pep440'
describe('parsePep440 as @renovate/pep440 1.0.0', () => {
  // Each checked through metadata-action's bundle (type=pep440,pattern={{version}},value=…).
  test.each([
    ['1.2.3', '1.2.3', false],
    ['v1.2.3', '1.2.3', false],
    ['1.2.3rc2', '1.2.3rc2', true],
    ['1.2.3post1', '1.2.3.post1', true],
    ['1.2.3beta2', '1.2.3b2', true],
    ['1.0dev4', '1.0.dev4', true],
    ['1.0-1', '1.0.post1', true],
    ['1.0.PREVIEW-4', '1.0rc4', true],
    ['1.0c', '1.0rc0', true],
    ['1!2.0', '1!2.0', false],
    ['1.0+Abc.007', '1.0+abc,7', false]
  ])('%s cleans to %s', (text, clean, prerelease) => {
    const version = parsePep440(text)
    expect(version).toBeDefined()
    if (!version) return
    expect(cleanPep440(version)).toBe(clean)
    expect(isPep440Prerelease(version)).toBe(prerelease)
  })

  test('major, minor and patch default to 0', () => {
    const version = parsePep440('2')
    expect(version && [pep440Major(version), pep440Minor(version), pep440Patch(version)]).toEqual([2, 0, 0])
  })

  test.each(['sometag', '1.0-', 'v', '1..0', '1.0 '])('%s is not a version', text => {
    expect(parsePep440(text)).toBeUndefined()
  })
})
