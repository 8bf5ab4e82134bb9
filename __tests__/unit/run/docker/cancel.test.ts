import { descendants, readProcessParents } from '../../../../src/run/docker/cancel'

describe('the processes main started', () => {
  it('are every process below it, children first, and nothing beside it', () => {
    const parents = new Map([
      [10, 1],
      [11, 10],
      [12, 11],
      [13, 10],
      [20, 1],
      [21, 20]
    ])
    expect(descendants(10, () => parents)).toEqual([11, 13, 12])
    expect(descendants(99, () => parents)).toEqual([])
  })
  it('are read from /proc, where this test runner is its own child of its parent', () => {
    const parents = readProcessParents()
    expect(parents.get(process.pid)).toBe(process.ppid)
  })
})
