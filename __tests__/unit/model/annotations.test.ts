import { mergeAnnotations } from '../../../src/model/annotations'

describe('mergeAnnotations', () => {
  it.each([
    ['index', 'index:org.example.note=hi', ['index:org.example.note=hi']],
    [
      'manifest-descriptor with a platform',
      'manifest-descriptor[linux/arm64]:k=v',
      ['manifest-descriptor[linux/arm64]:k=v']
    ],
    ['bare (a manifest annotation, the builds put it)', 'org.example.note=bare', []],
    ['manifest only', 'manifest:org.example.note=m', []],
    ['manifest with a platform', 'manifest[linux/amd64]:k=v', []],
    ['index-descriptor (imagetools refuses it when creating)', 'index-descriptor:k=v', []],
    [
      'a list narrowed to its index levels',
      'manifest,index,manifest-descriptor:k=v',
      ['index,manifest-descriptor:k=v']
    ],
    ['a value with ":" and "="', 'manifest,index:k=a:b=c', ['index:k=a:b=c']],
    ['no "=": left for buildx to refuse by name', 'index:broken', ['index:broken']],
    ['an unknown level: left for buildx to refuse by name', 'layer:k=v', ['layer:k=v']],
    ['an unknown level beside a known one', 'manifest,Index:k=v', ['manifest,Index:k=v']]
  ])('%s', (_name, annotation, expected) => {
    expect(mergeAnnotations([annotation])).toEqual(expected)
  })

  it('keeps the order of what it keeps', () => {
    expect(
      mergeAnnotations(['index:a=1', 'b=2', 'manifest-descriptor:c=3', 'manifest:d=4', 'index:e=5'])
    ).toEqual(['index:a=1', 'manifest-descriptor:c=3', 'index:e=5'])
  })
})
