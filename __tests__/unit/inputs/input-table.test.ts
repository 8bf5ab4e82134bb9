import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { execFileSync } from 'node:child_process'
import {
  INPUT_GROUPS,
  INPUTS,
  InputSpec,
  PROXY_INPUTS,
  EXPRESSION_DEFAULTS,
  INPUT_DEFAULTS
} from '../../../src/inputs/input-table'
import { LIST_RULES } from '../../../src/inputs/lists'
import { parseInputs } from '../../../src/inputs/parse'
import { ACTION as action, ROOT } from '../../support/repository'
import { inputSource } from '../../support/inputs'

const README = join(ROOT, 'README.md')
const specs = Object.entries(INPUTS) as [string, InputSpec][]

/** The README's input reference as the table gives it: a section per group, a row per input, as prettier lays it out. */
function inputReference(): string {
  const cell = (value: unknown) => (value === undefined ? '' : `\`${String(value)}\``)
  const sections = Object.entries(INPUT_GROUPS).map(([group, title]) => {
    const rows = specs
      .filter(([, spec]) => spec.group === group)
      .map(
        ([name, spec]) =>
          `| \`${name}\` | ${cell(spec.default ?? spec.expressionDefault)} | ${spec.summary} |`
      )
    return [`### ${title}`, '', '| Input | Default | What it does |', '| --- | --- | --- |', ...rows].join(
      '\n'
    )
  })
  const markdown = `<!-- inputs:start -->\n\n${sections.join('\n\n')}\n\n<!-- inputs:end -->\n`
  // Laid out by the project's prettier, as `npm run format` lays out the README (jest cannot load prettier's ESM).
  return execFileSync(join(ROOT, 'node_modules/.bin/prettier'), ['--stdin-filepath', README], {
    input: markdown,
    encoding: 'utf8'
  })
}

describe('the input table', () => {
  it('has every input of action.yml, in its order, and nothing else', () => {
    expect(Object.keys(INPUTS)).toEqual(Object.keys(action.inputs))
  })

  it("gives each input action.yml's default", () => {
    for (const [name, spec] of specs) {
      const declared = action.inputs[name].default || undefined
      expect([name, declared]).toEqual([name, (spec.default ?? spec.expressionDefault)?.toString()])
    }
  })

  it('is where list rules and proxy variables come from', () => {
    expect(Object.keys(LIST_RULES)).toEqual(specs.filter(([, spec]) => spec.list).map(([name]) => name))
    expect(PROXY_INPUTS.map(proxy => proxy.input)).toEqual(['http-proxy', 'https-proxy', 'no-proxy'])
  })

  // UPDATE_DOCS=1 npx jest --selectProjects unit -t 'input reference' -- __tests__/unit/inputs writes it.
  it("is the README's input reference", () => {
    const readme = readFileSync(README, 'utf8')
    const [before, rest] = readme.split('<!-- inputs:start -->')
    const after = rest.split('<!-- inputs:end -->\n')[1]
    const expected = before + inputReference() + after
    if (process.env.UPDATE_DOCS === '1') writeFileSync(README, expected)
    expect(readme).toBe(expected)
  })
})

describe('the input defaults', () => {
  const expressions: Record<string, string> = EXPRESSION_DEFAULTS
  const defaults: Record<string, string | number | boolean> = INPUT_DEFAULTS

  it.each(Object.entries(action.inputs))('%s has the default action.yml declares', (name, input) => {
    const declared = input.default ?? ''
    if (name in expressions) expect(expressions[name]).toBe(declared)
    else expect(String(defaults[name] ?? '')).toBe(declared)
  })
  it('name only inputs action.yml has', () => {
    const names = Object.keys(action.inputs)
    expect(
      [...Object.keys(defaults), ...Object.keys(expressions)].filter(name => !names.includes(name))
    ).toEqual([])
  })
  it('apply when an input is empty', () => {
    const inputs = parseInputs(inputSource({ tags: 'r.example/a' }))
    expect(inputs).toMatchObject({
      context: INPUT_DEFAULTS.context,
      push: INPUT_DEFAULTS.push,
      load: INPUT_DEFAULTS.load,
      noCache: INPUT_DEFAULTS['no-cache'],
      pull: INPUT_DEFAULTS.pull,
      summary: INPUT_DEFAULTS.summary,
      retries: INPUT_DEFAULTS.retries,
      buildkitImage: INPUT_DEFAULTS['buildkit-image'],
      cleanup: INPUT_DEFAULTS.cleanup,
      qemu: INPUT_DEFAULTS.qemu,
      qemuImage: INPUT_DEFAULTS['qemu-image'],
      buildxVersion: INPUT_DEFAULTS['buildx-version'],
      buildxDownloadUrl: INPUT_DEFAULTS['buildx-download-url'],
      buildxSkipVerification: INPUT_DEFAULTS['buildx-skip-verification'],
      mirrorCheck: INPUT_DEFAULTS['mirror-check']
    })
    expect(inputs.builderOptions.keepState).toBe(INPUT_DEFAULTS['keep-state'])
  })
})
