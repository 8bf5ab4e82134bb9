import { cacheMountKey, findCacheMounts, isDockerfileFrontend } from '../../../src/model/dockerfile-mounts'

const ids = (text: string) => findCacheMounts(text).mounts.map(mount => mount.id)

describe('findCacheMounts: the cache mounts BuildKit would key', () => {
  it('reads a Go Dockerfile with two caches, a secret and a bind mount across stages', () => {
    const text = [
      '# syntax=docker/dockerfile:1.7',
      'FROM golang:1.22 AS build',
      'WORKDIR /src',
      'RUN --mount=type=cache,target=/go/pkg/mod \\',
      '    --mount=type=bind,source=go.sum,target=go.sum \\',
      '    --mount=type=bind,source=go.mod,target=go.mod \\',
      '    go mod download -x',
      'RUN --mount=type=secret,id=token,target=/run/secrets/token \\',
      '    --mount=type=cache,target=/go/pkg/mod \\',
      '    --mount=type=cache,target=/root/.cache/go-build,sharing=locked \\',
      '    go build -o /out/app .',
      'FROM debian:12 AS final',
      'RUN --mount=type=cache,id=apt-cache,target=/var/cache/apt,sharing=locked \\',
      '    --mount=type=tmpfs,target=/tmp \\',
      '    --mount=type=ssh \\',
      '    apt-get update'
    ].join('\n')
    const found = findCacheMounts(text)
    expect(found.syntax).toBe('docker/dockerfile:1.7')
    expect(found.mounts).toEqual([
      { id: '/go/pkg/mod', sharing: 'shared', stage: 'build', line: 4 },
      { id: '/root/.cache/go-build', sharing: 'locked', stage: 'build', line: 8 },
      { id: 'apt-cache', sharing: 'locked', stage: 'final', line: 13 }
    ])
    expect(found.skipped).toEqual([])
  })

  it('takes the fields in any order, any case, with aliases and quotes', () => {
    expect(
      findCacheMounts(
        'FROM x\nrun --mount=target=/b,type=cache,uid=1000,gid=1000,mode=0755 --mount="dst=/c/./d/../e,type=CACHE" true'
      ).mounts
    ).toEqual([
      { id: '/b', sharing: 'shared', uid: 1000, gid: 1000, mode: '0755', stage: '0', line: 2 },
      { id: '/c/e', sharing: 'shared', stage: '0', line: 2 }
    ])
  })

  it('keys the id as BuildKit does: id= wins, else the target cleaned, relative stays relative', () => {
    expect(ids('FROM x\nRUN --mount=type=cache,target=./cache/ true')).toEqual(['cache'])
    expect(ids('FROM x\nRUN --mount=type=cache,target=/a//b/ true')).toEqual(['/a/b'])
    expect(ids('FROM x\nRUN --mount=type=cache,id=shared-one,target=/x true')).toEqual(['shared-one'])
  })

  it('never takes secret, ssh, bind or tmpfs mounts, nor a mount with no type (a bind)', () => {
    const text = [
      'FROM x',
      'RUN --mount=type=secret,id=npm,target=/root/.npmrc --mount=type=ssh --mount=type=tmpfs,target=/t \\',
      '  --mount=type=bind,target=/b --mount=target=/plain true'
    ].join('\n')
    expect(findCacheMounts(text).mounts).toEqual([])
  })

  it('one cache used by several RUNs is one mount; a different owner is another cache', () => {
    const text = [
      'FROM x',
      'RUN --mount=type=cache,target=/c a',
      'RUN --mount=type=cache,target=/c b',
      'RUN --mount=type=cache,target=/c,uid=1 c'
    ].join('\n')
    const mounts = findCacheMounts(text).mounts
    expect(mounts.map(mount => [mount.id, mount.line])).toEqual([
      ['/c', 2],
      ['/c', 4]
    ])
    expect(cacheMountKey(mounts[0])).not.toBe(cacheMountKey(mounts[1]))
  })

  it('does not read heredoc bodies or comments as instructions', () => {
    const text = [
      'FROM x',
      'RUN <<EOF',
      'RUN --mount=type=cache,target=/not-an-instruction true',
      'EOF',
      'RUN --mount=type=cache,target=/after <<-"END" sh',
      '\tRUN --mount=type=cache,target=/nor-this',
      '\tEND',
      '# RUN --mount=type=cache,target=/commented',
      'RUN --mount=type=cache,target=/continued \\',
      '# a comment inside the continuation',
      '',
      '  true'
    ].join('\n')
    expect(ids(text)).toEqual(['/after', '/continued'])
  })

  it('follows the escape directive', () => {
    expect(
      ids('# escape=`\nFROM x\nRUN --mount=type=cache,target=/w `\n  --mount=type=cache,target=/v dir')
    ).toEqual(['/w', '/v'])
  })

  it('stops at the first word that is not a flag', () => {
    expect(ids('FROM x\nRUN --network=none echo --mount=type=cache,target=/no')).toEqual([])
  })

  it('skips with a reason the caches it cannot key: variables, from=, odd ids', () => {
    const text = [
      'FROM x AS base',
      'RUN --mount=type=cache,target=$HOME/.cache true',
      'RUN --mount=type=cache,target=/seeded,from=base,source=/s true',
      'RUN --mount=type=cache,id=a|b,target=/c true'
    ].join('\n')
    const found = findCacheMounts(text)
    expect(found.mounts).toEqual([])
    expect(found.skipped.map(skip => skip.line)).toEqual([2, 3, 4])
    expect(found.skipped[0].reason).toMatch(/variable/)
    expect(found.skipped[1].reason).toMatch(/seeded from "base"/)
  })

  it('reads CRLF files and a BOM', () => {
    expect(ids('\uFEFFFROM x\r\nRUN --mount=type=cache,target=/crlf \\\r\n  true\r\n')).toEqual(['/crlf'])
  })
})

describe('isDockerfileFrontend', () => {
  it("takes docker/dockerfile in any tag or digest, on Docker Hub's name or not, and no other frontend", () => {
    for (const syntax of [
      'docker/dockerfile:1.7',
      'docker.io/docker/dockerfile:1',
      'docker/dockerfile-upstream:master',
      'docker/dockerfile@sha256:' + 'a'.repeat(64),
      'docker/dockerfile'
    ])
      expect([syntax, isDockerfileFrontend(syntax)]).toEqual([syntax, true])
    for (const syntax of [
      'tonistiigi/dockerfile:1',
      'docker/dockerfile-extra:1',
      'example.com/docker/dockerfile:1'
    ])
      expect([syntax, isDockerfileFrontend(syntax)]).toEqual([syntax, false])
  })
})
