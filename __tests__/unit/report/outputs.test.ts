import { OUTPUT_NAMES, outputValues } from '../../../src/report/outputs'
import { ACTION as action } from '../../support/repository'

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
