import { lastLine } from '../../../src/model/output-line'

describe('lastLine', () => {
  it('is the last non-blank line, trimmed', () => {
    expect(lastLine('first\n  second  \n\n \n')).toBe('second')
  })
  it("is 'no output' when there is none", () => {
    expect(lastLine('')).toBe('no output')
    expect(lastLine(' \n\n')).toBe('no output')
  })
  it('prefers the last line with the given start, when there is one', () => {
    expect(lastLine('ERROR: one\nERROR: two\n#9 done\n', 'ERROR:')).toBe('ERROR: two')
    expect(lastLine('#9 done\nexit 1\n', 'ERROR:')).toBe('exit 1')
  })
})
