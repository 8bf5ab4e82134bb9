import { EXPRESSION_DEFAULTS, INPUT_DEFAULTS } from '../../src/inputs/input-table'
import { parseInputs } from '../../src/inputs/parse'
import { OUTPUT_NAMES, outputValues } from '../../src/report/outputs'
import { inputSource } from '../support/inputs'
import { ACTION as action } from '../support/repository'

describe('the outputs', () => {
  it('are the ones action.yml declares, in its order', () => {
    expect(OUTPUT_NAMES).toEqual(Object.keys(action.outputs))
  })
  it('are written as text: lists comma-separated, structures as JSON, unknown ones left out', () => {
    expect(
      outputValues({
        builder: 'b1',
        platforms: ['linux/amd64', 'linux/arm64'],
        manifest: { 'linux/amd64': 'sha256:a' },
        nodes: []
      })
    ).toEqual([
      ['builder', 'b1'],
      ['platforms', 'linux/amd64,linux/arm64'],
      ['manifest', '{"linux/amd64":"sha256:a"}'],
      ['nodes', '[]']
    ])
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
