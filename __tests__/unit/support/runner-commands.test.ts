import fc from 'fast-check'
import { GITHUB_COMMANDS, maskedLog, parseRunnerOutput, RunnerOptions } from '../../support/runner-commands'

const act: RunnerOptions = { flavour: 'act' }
const anyChar = fc.string({ unit: 'binary', minLength: 1, maxLength: 1 })

/** [name, data] of each command, the usual thing to check. */
function named(text: string, options?: RunnerOptions): [string, string][] {
  return parseRunnerOutput(text, options).commands.map(command => [command.name, command.data])
}

describe('lines, as the GitHub runner reads them', () => {
  it('ends a line at LF, CR and CRLF, with no empty line after the last terminator', () => {
    expect(parseRunnerOutput('a\nb\rc\r\nd\r\n').lines).toEqual(['a', 'b', 'c', 'd'])
    expect(parseRunnerOutput('\n\n').lines).toEqual(['', ''])
    expect(parseRunnerOutput('').lines).toEqual([])
  })

  it('reads a command that follows a bare CR, as on a progress line', () => {
    const { commands } = parseRunnerOutput('#5 extracting 40%\r::set-output name=x::v\n')
    expect(commands).toEqual([{ name: 'set-output', properties: { name: 'x' }, data: 'v', line: 2 }])
  })

  it('takes CRLF as one terminator, so the data has no CR', () => {
    expect(named('::debug::one\r\n::debug::two\r\n')).toEqual([
      ['debug', 'one'],
      ['debug', 'two']
    ])
  })

  it('processes a last line that has no terminator', () => {
    expect(named('::debug::tail')).toEqual([['debug', 'tail']])
  })

  it('drops a byte-order mark at the start of the stream only', () => {
    expect(named('\ufeff::debug::first\n')).toEqual([['debug', 'first']])
    expect(named('x\n\ufeff::debug::second\n')).toEqual([])
  })
})

describe('the "::" form', () => {
  it('parses name, properties and data at the start of a line', () => {
    const { commands } = parseRunnerOutput('::warning file=a.ts,line=3,title=T::careful\n')
    expect(commands).toEqual([
      { name: 'warning', properties: { file: 'a.ts', line: '3', title: 'T' }, data: 'careful', line: 1 }
    ])
  })

  it('allows leading white space as .NET counts it: spaces, tabs, NBSP, U+0085, U+3000', () => {
    for (const space of ['   ', '\t', '\u00a0', '\u0085', '\u3000']) {
      expect(named(`${space}::debug::x`)).toEqual([['debug', 'x']])
    }
  })

  it('does not count U+FEFF or ZERO WIDTH SPACE as white space', () => {
    expect(named('a\n\ufeff::debug::x')).toEqual([])
    expect(named('\u200b::debug::x')).toEqual([])
  })

  it('needs the "::" at the start of the line', () => {
    expect(named('note ::debug::x')).toEqual([])
  })

  it('matches names ignoring ASCII case only, and reports them lower-cased', () => {
    expect(named('::SET-OUTPUT name=x::v')).toEqual([['set-output', 'v']])
    // .NET keeps the dotless i and the long s out of ordinal case folding.
    expect(named('::warn\u0131ng::x')).toEqual([])
    expect(named('::\u017fet-output name=x::v')).toEqual([])
  })

  it('ignores names the runner has not registered, as plain output', () => {
    expect(named('::foo::bar\n::internal-set-repo-path::x\n::1 is localhost\n')).toEqual([])
  })

  it('registers exactly the commands of ExtensionManager.cs', () => {
    for (const name of GITHUB_COMMANDS) {
      const data = name === 'stop-commands' ? 'a-token' : 'x'
      expect(named(`::${name}::${data}`)).toEqual([[name, data]])
    }
  })

  it('ends the name at the first "::", so later ones belong to the data', () => {
    expect(named('::set-output name=x::v::w')).toEqual([['set-output', 'v::w']])
    expect(named('::debug:::x')).toEqual([['debug', ':x']])
  })

  it('ends the name at a space only, so a tab makes it unknown', () => {
    expect(named('::debug\tname=x::v')).toEqual([])
  })

  it('decodes %0D %0A %25 in data, one after another, with %25 last', () => {
    expect(named('::debug::a%0Db%0Ac%25d%3Ae%2Cf')).toEqual([['debug', 'a\rb\nc%d%3Ae%2Cf']])
    expect(named('::debug::%250A')).toEqual([['debug', '%0A']])
  })

  it('also decodes %3A and %2C in property values', () => {
    const { commands } = parseRunnerOutput('::error file=a%3Ab%2Cc%0Ad%25::x')
    expect(commands[0].properties).toEqual({ file: 'a:b,c\nd%' })
  })

  it('splits properties the way .NET Split does', () => {
    const { commands } = parseRunnerOutput('::debug k==v,=a=b,c=,d==,e=f=g,,h = i ::x')
    // A value keeps later '=', an empty value drops the pair, and keys are not trimmed.
    expect(commands[0].properties).toEqual({ k: 'v', a: 'b', e: 'f=g', 'h ': ' i' })
  })

  it('looks properties up ignoring case: the first spelling stays, the last value wins', () => {
    const { commands } = parseRunnerOutput('::set-output NAME=a,name=b::v')
    expect(commands[0].properties).toEqual({ NAME: 'b' })
  })

  it('treats "__proto__" as an ordinary property name', () => {
    const { commands } = parseRunnerOutput('::debug __proto__=x::y')
    expect(commands[0].properties.__proto__).toBe('x')
    expect(({} as Record<string, unknown>).x).toBeUndefined()
  })

  it('lets ICU-ignorable characters sit inside the "::" that ends the name', () => {
    // String.IndexOf is culture-sensitive; the data starts two characters after the match.
    expect(named('::set-output name=x:\u200b:v')).toEqual([['set-output', ':v']])
    expect(named('::debug:\u0000\u00ad:v')).toEqual([['debug', '\u00ad:v']])
    expect(named('::debug:\t:v')).toEqual([])
  })
})

describe('the legacy "##[" form', () => {
  it('is found anywhere in a line', () => {
    const { commands } = parseRunnerOutput('build log ##[set-output name=x;]v\n')
    expect(commands).toEqual([{ name: 'set-output', properties: { name: 'x' }, data: 'v', line: 1 }])
  })

  it('decodes %3B and %5D too, and only the first "##[" of a line counts', () => {
    expect(named('##[debug]a%3Bb%5Dc%25')).toEqual([['debug', 'a;b]c%']])
    expect(named('##[foo] ##[debug]x')).toEqual([])
  })

  it('is tried only when the "::" form does not parse', () => {
    expect(named('::foo::##[debug]legacy')).toEqual([['debug', 'legacy']])
    expect(named('::error::text ##[debug]hidden')).toEqual([['error', 'text ##[debug]hidden']])
  })
})

describe('stop-commands', () => {
  const fenced = (resume: string) =>
    `::stop-commands::Fence-Token\n::set-output name=a::b\n##[add-mask]s3cret\n${resume}\n::debug::after\n`

  it('ignores every command until the token, which resumes', () => {
    expect(named(fenced('::Fence-Token::'))).toEqual([
      ['stop-commands', 'Fence-Token'],
      ['fence-token', ''],
      ['debug', 'after']
    ])
    expect(parseRunnerOutput(fenced('::Fence-Token::')).masks).toEqual(['Fence-Token'])
  })

  it('stays stopped on a wrong token', () => {
    expect(named(fenced('::other-token::'))).toEqual([['stop-commands', 'Fence-Token']])
  })

  it('compares the token ignoring case', () => {
    expect(named(fenced('::FENCE-TOKEN::')).map(([name]) => name)).toEqual([
      'stop-commands',
      'fence-token',
      'debug'
    ])
  })

  it('resumes on the legacy form anywhere in a line, unless the "::" form parses first', () => {
    expect(named(fenced('text ##[fence-token]')).length).toBe(3)
    expect(named(fenced('::debug::x ##[fence-token]'))).toEqual([['stop-commands', 'Fence-Token']])
  })

  it('does not stop on a token that is empty, a command name or pause-logging', () => {
    for (const token of ['', 'DEBUG', 'pause-logging']) {
      expect(named(`::stop-commands::${token}\n::debug::x\n`)).toEqual([
        ['stop-commands', token],
        ['debug', 'x']
      ])
    }
  })

  it('masks a token longer than six characters only', () => {
    expect(parseRunnerOutput('::stop-commands::abcdef\n').masks).toEqual([])
    expect(parseRunnerOutput('::stop-commands::abcdefg\n').masks).toEqual(['abcdefg'])
  })
})

describe('add-mask', () => {
  it('collects the value and each of its lines trimmed', () => {
    expect(parseRunnerOutput('::add-mask::  one %0A two \n::add-mask::one\n').masks).toEqual([
      '  one \n two ',
      'one',
      'two'
    ])
  })

  it('ignores a value of white space only, and values inside a stopped section', () => {
    expect(parseRunnerOutput('::add-mask:: \u3000\n').masks).toEqual([])
    expect(parseRunnerOutput('::stop-commands::tok\n::add-mask::s3cret\n').masks).toEqual([])
  })
})

describe('the masked log', () => {
  it('masks each line on its own, from the add-mask line on, never the lines before', () => {
    const log = maskedLog('early s3cret\n::add-mask::s3cret\nlate s3cret\n', [])
    expect(log).toBe('early s3cret\n::add-mask::***\nlate ***')
  })

  it('masks every line of a multi-line secret, but not a secret broken across lines', () => {
    expect(maskedLog('alpha\nbeta\n', [' alpha\nbeta '])).toBe('***\n***')
    expect(maskedLog('tok-12\n3456\n', ['tok-123456'])).toBe('tok-12\n3456')
  })

  it('merges overlapping and touching occurrences into one ***', () => {
    expect(maskedLog('abcabc|abcd|xbcdx', ['abc', 'bcd'])).toBe('***|***|x***x')
  })

  it('also masks the encoded spellings the runner registers', () => {
    const auth = Buffer.from('user:hunter22').toString('base64')
    expect(
      maskedLog(`${auth}\n{"p":"hu\\"nter22"}\n%2Fhunter%2F`, ['hunter22', 'hu"nter22', '/hunter/'])
    ).toBe('dXNlcjpo***\n{"p":"***"}\n***')
  })

  it('never shows a secret that sits on one line', () => {
    // No line break or '*' inside, and nothing at either end that either runtime trims (.NET also trims U+0085).
    const secret = fc
      .string({ unit: 'binary', minLength: 1, maxLength: 12 })
      .filter(s => !/[\r\n*]/.test(s) && s.trim() === s && !/^\u0085|\u0085$/.test(s))
    fc.assert(
      fc.property(
        secret,
        fc.string({ unit: 'binary' }),
        fc.string({ unit: 'binary' }),
        (value, before, after) => {
          for (const flavour of ['github', 'act'] as const) {
            expect(maskedLog(`${before}${value}${after}\n`, [value], { flavour })).not.toContain(value)
          }
        }
      )
    )
  })
})

describe('escaping round-trips through the GitHub parser', () => {
  it('gives back any one-line-escaped data unchanged', () => {
    const escape = (s: string) => s.replaceAll('%', '%25').replaceAll('\r', '%0D').replaceAll('\n', '%0A')
    fc.assert(
      fc.property(
        fc.string({ unit: fc.oneof(fc.constantFrom('%', '0', 'A', 'D', '25', '\r', '\n'), anyChar) }),
        data => {
          expect(named(`::set-output name=x::${escape(data)}`)).toEqual([['set-output', data]])
        }
      )
    )
  })
})

describe('act', () => {
  it('splits on LF only and never handles a last line without one', () => {
    expect(parseRunnerOutput('a\rb\nc', act).lines).toEqual(['a\rb'])
    expect(named('::debug::x', act)).toEqual([])
    expect(named('progress\r::debug::x\n', act)).toEqual([])
  })

  it('accepts CRLF but no CR inside the data', () => {
    expect(named('::debug::x\r\n', act)).toEqual([['debug', 'x']])
    expect(named('::debug::x\ry\n', act)).toEqual([])
  })

  it('needs both forms at the very start of the line', () => {
    expect(named('  ::debug::x\n', act)).toEqual([])
    expect(named('log ##[debug]x\n', act)).toEqual([])
    expect(named('##[debug]x\n', act)).toEqual([['debug', 'x']])
  })

  it('takes any name, case and all, and the last "::" as the end of the properties', () => {
    expect(named('::foo::bar\n::DEBUG::x\n', act)).toEqual([
      ['foo', 'bar'],
      ['DEBUG', 'x']
    ])
    const { commands } = parseRunnerOutput('::set-output name=x::v::w\n', act)
    expect(commands[0]).toMatchObject({ properties: { name: 'x::v' }, data: 'w' })
  })

  it('keeps only properties with exactly one "="', () => {
    const { commands } = parseRunnerOutput('::debug a=b,c=d=e,f=%3A::x\n', act)
    expect(commands[0].properties).toEqual({ a: 'b', f: ':' })
  })

  it('does not skip ICU-ignorable characters inside the "::"', () => {
    expect(named('::set-output name=x:\u200b:v\n', act)).toEqual([])
  })

  it('compares the resume token exactly', () => {
    const text = '::stop-commands::tok\n::debug::hidden\n::TOK::\n::tok::\n::debug::x\n'
    expect(named(text, act)).toEqual([
      ['stop-commands', 'tok'],
      ['tok', ''],
      ['debug', 'x']
    ])
  })

  it('still runs a command whose name is the token, and stays stopped', () => {
    const text = '::stop-commands::set-output\n::set-output name=a::b\n::debug::x\n'
    expect(named(text, act)).toEqual([
      ['stop-commands', 'set-output'],
      ['set-output', 'b']
    ])
  })

  it('masks whole values in turn, so a multi-line secret is never masked', () => {
    expect(maskedLog('alpha\nbeta\n', ['alpha\nbeta'], act)).toBe('alpha\nbeta')
    // Touching occurrences are not merged, and a mask may end in the line's own LF.
    expect(maskedLog('abcabc\n', ['abc'], act)).toBe('******')
    expect(maskedLog('::add-mask::q%0A\nq\nqq\n', [], act)).toBe('::add-mask::q%0A\n***\nq***')
  })
})
