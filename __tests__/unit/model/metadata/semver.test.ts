import { parseSemver } from '../../../../src/model/metadata/semver'
describe('parseSemver is node-semver strict', () => {
  test.each([
    ['v1.2.3', '1.2.3', []],
    ['1.2.3-rc.1+build.5', '1.2.3-rc.1', ['rc', 1]],
    ['v2.0.8-beta.67', '2.0.8-beta.67', ['beta', 67]],
    [' 1.2.3 ', '1.2.3', []],
    ['9007199254740991.0.0', '9007199254740991.0.0', []]
  ])('%s is %s', (text, version, prerelease) => {
    expect(parseSemver(text)).toMatchObject({ raw: text, version, prerelease })
  })

  test.each([
    '1.0',
    '01.2.3',
    '1.2.3-01',
    '=1.2.3',
    'v1.2.3.4',
    '1.2.3-',
    '9007199254740992.0.0',
    `1.2.3-${'a'.repeat(300)}`
  ])('%s is not a version', text => expect(parseSemver(text)).toBeUndefined())
})
