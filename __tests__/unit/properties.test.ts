import TOML from '@iarna/toml'
import fc from 'fast-check'
import { mergeTomlSources, parseToml, registryModelToToml } from '../../src/model/buildkitd-toml'
import { InputError, quoteValue } from '../../src/model/input-error'
import { parseInputs } from '../../src/inputs/parse'
import { csvQuote, splitCsvLine } from '../../src/model/csv'
import { makePlan } from '../../src/plan/plan'
import { buildRegistryModel, parseInsecureRegistry, parseMirrorEntry } from '../../src/model/registries'
import { inputSource, PUSHABLE } from '../support/inputs'
import { PLAN_CONTEXT as context } from '../support/plan'
import {
  hostname,
  hostPort,
  insecureEntry,
  intendedModel,
  listText,
  mirrorEntry,
  registryEntries,
  RUNS,
  Section,
  segment,
  separators,
  writtenHostPort
} from '../support/arbitraries'
import { sealedValue } from '../../src/model/driver-opts'

describe('(a) accepted mirrors and insecure registries', () => {
  it('parse one by one into the entry they describe', () => {
    fc.assert(
      fc.property(mirrorEntry, insecureEntry, (mirror, insecure) => {
        expect(parseMirrorEntry(mirror.text)).toEqual({
          registry: mirror.registry,
          location: mirror.location,
          hostKey: mirror.hostKey,
          plainHttp: mirror.plainHttp
        })
        expect(parseInsecureRegistry(insecure.text)).toBe(insecure.key)
      }),
      RUNS
    )
  })

  it('become TOML that parses back to exactly the intended model, sections and mirrors in order', () => {
    fc.assert(
      fc.property(
        fc.array(mirrorEntry, { maxLength: 8 }),
        fc.array(insecureEntry, { maxLength: 4 }),
        separators,
        (mirrors, insecure, seps) => {
          const plan = makePlan(
            parseInputs(
              inputSource({
                ...PUSHABLE,
                'registry-mirrors': listText(
                  mirrors.map(m => m.text),
                  seps
                ),
                'insecure-registries': listText(
                  insecure.map(r => r.text),
                  seps
                )
              })
            ),
            context
          )
          const intended = intendedModel(
            mirrors,
            insecure.map(r => r.key)
          )
          expect(registryEntries(plan.configToml)).toEqual([...intended])
          expect([...plan.registryModel]).toEqual(
            [...intended].map(([key, options]) => [key, { mirrors: [], ...options }])
          )
        }
      ),
      RUNS
    )
  })
})

// ---- (b) The user's TOML registry sections merged with the model. ----

/**
 * Any string TOML can hold as a key or value. Refused elsewhere (bad-inputs): names of Object.prototype
 * members, and control characters other than tab, LF and CR.
 */
const anyText = fc
  .oneof(
    { weight: 5, arbitrary: fc.string({ unit: 'binary', maxLength: 12 }) },
    { weight: 1, arbitrary: fc.constantFrom('docker.io', 'ghcr.io', '__proto__', 'a"b', 'x\ny', '[grpc]') }
  )
  .filter(text => text === '__proto__' || !(text in Object.prototype))
  // eslint-disable-next-line no-control-regex
  .filter(text => !/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(text))

/** Mirror locations as a user's TOML may write them: host[:port][/path-prefix] (anything else is refused). */
const userMirror = fc.oneof(
  hostPort.map(({ key }) => key),
  fc.tuple(hostPort, segment).map(([{ key }, prefix]) => `${key}/${prefix}`),
  fc.constantFrom('m.example', 'mirror.example.com')
)
const userSection = fc.record(
  {
    mirrors: fc.array(userMirror, { maxLength: 4 }),
    http: fc.boolean(),
    insecure: fc.boolean()
  },
  { requiredKeys: [] }
)
const userRegistry = fc.uniqueArray(
  fc.tuple(
    fc.oneof(
      hostPort.map(({ key }) => key),
      fc.constantFrom('docker.io', 'ghcr.io')
    ),
    userSection
  ),
  { maxLength: 5, selector: ([host]) => host }
)

/** A table with own keys only, so "__proto__" is a key and not a prototype. */
const table = (entries: [string, unknown][]): Record<string, unknown> => {
  const result: Record<string, unknown> = {}
  for (const [key, value] of entries) {
    Object.defineProperty(result, key, { value, enumerable: true, writable: true, configurable: true })
  }
  return result
}

describe('(b) registry keys and mirrors of the user TOML', () => {
  it('are hosts, or the config is refused with an error that names the input', () => {
    fc.assert(
      fc.property(anyText, anyText, (key, mirror) => {
        const text = TOML.stringify({ registry: table([[key, { mirrors: [mirror] }]]) } as TOML.JsonMap)
        try {
          parseToml('buildkitd-config-inline', text)
        } catch (error) {
          expect(error).toBeInstanceOf(InputError)
          expect((error as InputError).input).toBe('buildkitd-config-inline')
        }
      })
    )
  })
})

describe('(b) merging the user TOML with the generated registries', () => {
  it('never drops a mirror from either side and keeps their order, user mirrors first', () => {
    fc.assert(
      fc.property(userRegistry, fc.array(mirrorEntry, { maxLength: 6 }), (user, mirrors) => {
        const text = TOML.stringify({ registry: table(user) } as TOML.JsonMap)
        const parsed = parseToml('buildkitd-config-inline', text)
        const model = buildRegistryModel(
          mirrors.map(m => parseMirrorEntry(m.text)),
          []
        )
        const { table: merged } = mergeTomlSources([
          { input: 'buildkitd-config-inline', table: parsed },
          { input: 'registry-mirrors/insecure-registries', table: registryModelToToml(model) }
        ])
        const intended = intendedModel(mirrors, [])
        const userHosts = user.map(([host]) => host)
        const hosts = [...userHosts, ...[...intended.keys()].filter(key => !userHosts.includes(key))]
        const sections = new Map(user)
        const expected = hosts.map((hostKey): [string, Section] => {
          const mine: Section = sections.get(hostKey) ?? {}
          const ours: Section = intended.get(hostKey) ?? {}
          const fromUser = mine.mirrors ?? []
          const mirrorList = [...fromUser, ...(ours.mirrors ?? []).filter(m => !fromUser.includes(m))]
          // Scalars: the generated value, the later source, wins (with a warning).
          const result: Section = { ...mine, ...ours }
          if (mine.mirrors || ours.mirrors) result.mirrors = mirrorList
          return [hostKey, result]
        })
        // Sections as a Map: JavaScript objects list integer-like keys ("0") first, whatever the TOML order.
        const mergedRegistry = (merged.registry ?? {}) as Record<string, unknown>
        expect(new Map(Object.entries(mergedRegistry))).toEqual(new Map(expected))
        // The written config says the same: nothing is lost between merge, stringify and parse.
        expect(new Map(registryEntries(TOML.stringify(merged as TOML.JsonMap)))).toEqual(new Map(expected))
      }),
      RUNS
    )
  })
})

// ---- (c) Values reach docker as single argv elements. ----

/** Text without line breaks or surrounding whitespace, heavy on what a shell would split or expand. */
const argText = fc
  .array(
    fc.oneof(
      { weight: 3, arbitrary: fc.string({ unit: 'binary', maxLength: 6 }) },
      {
        weight: 2,
        arbitrary: fc.constantFrom(' ', '"', "'", '$HOME', '${X}', '`id`', '$(id)', '\\', '=', ',', ';', '|')
      },
      { weight: 1, arbitrary: fc.constantFrom('ü', '🚀', '\u200b', '\u00a0x', '中文', '*', '~', '&&') }
    ),
    { maxLength: 6 }
  )
  .map(parts => parts.join(''))
  // ',"' would start a quoted CSV field, which build-push-action's reading of these lists unquotes.
  .filter(text => !/[\r\n]/.test(text) && text === text.trim() && !text.includes(',"'))

const buildArg = fc
  .tuple(fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,8}$/), argText)
  .map(([key, value]) => `${key}=${value}`)
const labelArg = fc
  .tuple(fc.stringMatching(/^[a-z][a-z0-9.-]{0,20}$/), argText)
  .map(([key, value]) => `${key}=${value}`)

const tag = fc
  .record({
    // Image references take IPv6 registries in brackets, but not with an embedded IPv4 part.
    registry: fc.option(writtenHostPort(fc.oneof(hostname, fc.ipV4())), { nil: undefined }),
    path: fc.array(fc.stringMatching(/^[a-z0-9]{1,6}(?:[._-][a-z0-9]{1,6}){0,2}$/), {
      minLength: 1,
      maxLength: 3
    }),
    tag: fc.option(fc.stringMatching(/^\w[\w.-]{0,20}$/), { nil: undefined })
  })
  .map(
    ({ registry, path, tag }) =>
      `${registry ? `${registry.key}/` : ''}${path.join('/')}${tag === undefined ? '' : `:${tag}`}`
  )

/**
 * Proxy user info in every character Go's net/url takes raw, and percent-encoded bytes. "@" is left out
 * here: see the skipped test below.
 */
const userInfo = fc
  .array(
    fc.oneof(
      fc.constantFrom(..."abcXYZ019-._~!$&'()*+,;=:".split('')),
      fc.integer({ min: 0, max: 255 }).map(byte => `%${byte.toString(16).padStart(2, '0').toUpperCase()}`)
    ),
    { minLength: 1, maxLength: 12 }
  )
  .map(parts => parts.join(''))

const proxyUrl = fc
  .record({
    scheme: fc.constantFrom('', 'http://', 'https://', 'socks5://', 'socks5h://', 'HTTP://'),
    credentials: fc.option(userInfo, { nil: undefined }),
    server: hostPort,
    slash: fc.boolean()
  })
  .map(({ scheme, credentials, server, slash }) => {
    const authority = `${credentials === undefined ? '' : `${credentials}@`}${server.text}`
    const url = `${scheme || 'http://'}${authority}`
    return {
      text: `${scheme}${authority}${slash ? '/' : ''}`,
      url,
      display: credentials === undefined ? url : `${scheme || 'http://'}***@${server.text}`
    }
  })

const noProxyEntry = fc.oneof(
  hostname,
  hostname.map(name => `.${name}`),
  hostname.map(name => `*.${name}`),
  fc.ipV4(),
  fc.tuple(fc.ipV4(), fc.integer({ min: 0, max: 32 })).map(([ip, bits]) => `${ip}/${bits}`),
  fc.constantFrom('localhost', '::1', '[::1]:8080', 'fd00::/8', '*')
)

/**
 * A proxy for RUN steps: by name (its value from the buildx environment), or without its credentials,
 * which BuildKit would otherwise record in the provenance of the pushed image.
 */
function runStepProxyArg(name: string, url: string): string {
  const bare = url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^]*@/i, '$1')
  return bare === url ? name : `${name}=${bare}`
}

/** The values that follow each occurrence of `flag`, in order. */
function valuesOf(argv: string[], flag: string): string[] {
  return argv.flatMap((arg, i) => (arg === flag ? [argv[i + 1]] : []))
}

describe('(c) command lines', () => {
  it('carry every tag, build arg, label and proxy as exactly one argument, unquoted', () => {
    fc.assert(
      fc.property(
        fc.record({
          tags: fc.uniqueArray(tag, { minLength: 1, maxLength: 3 }),
          buildArgs: fc.array(buildArg, { maxLength: 4 }),
          labels: fc.array(labelArg, { maxLength: 4 }),
          http: fc.option(proxyUrl, { nil: undefined }),
          https: fc.option(proxyUrl, { nil: undefined }),
          noProxy: fc.uniqueArray(noProxyEntry, { maxLength: 4 })
        }),
        ({ tags, buildArgs, labels, http, https, noProxy }) => {
          const inputs = parseInputs(
            inputSource({
              tags: tags.join('\n'),
              'build-args': buildArgs.join('\n'),
              labels: labels.join('\r\n'),
              'http-proxy': http?.text ?? '',
              'https-proxy': https?.text ?? '',
              'no-proxy': noProxy.join(',')
            })
          )
          const plan = makePlan(inputs, context)
          const { build, create } = plan.commands

          expect(valuesOf(build, '--tag')).toEqual(tags)
          const userNames = new Set(buildArgs.map(arg => arg.split('=')[0]))
          expect(valuesOf(build, '--build-arg')).toEqual([
            ...buildArgs,
            ...Object.entries(plan.proxyEnv)
              .filter(([name]) => !userNames.has(name))
              .map(([name, url]) => runStepProxyArg(name, url))
          ])
          expect(valuesOf(build, '--label')).toEqual(labels)

          // Each driver-opt is one CSV field: buildx splits it on commas, so values with commas are quoted.
          // A value sealed off the command line (a URL with a password) is read back from what the plan
          // writes into buildx's store: on argv, only its placeholder.
          const driverOpts = valuesOf(create, '--driver-opt').map(opt => {
            const fields = splitCsvLine(opt)
            expect(fields).toHaveLength(1)
            const [key, ...rest] = fields[0].split('=')
            const value = rest.join('=')
            const sealed = plan.sealedDriverValues.get(value)
            if (sealed !== undefined) expect(value).toBe(sealedValue(key))
            return [key, sealed ?? value]
          })
          expect(create.join(' ')).not.toMatch(/:\/\/[^/@ ]*:[^/@ ]*@/)
          const env = (name: string, value: string | undefined): [string, string][] =>
            value === undefined
              ? []
              : [
                  [`env.${name}`, value],
                  [`env.${name.toLowerCase()}`, value]
                ]
          expect(driverOpts).toEqual([
            ['image', 'moby/buildkit:buildx-stable-1'],
            ...(plan.hostNetworkReasons.length > 0 ? [['network', 'host']] : []),
            ...env('HTTP_PROXY', http?.url),
            ...env('HTTPS_PROXY', https?.url),
            ...env('NO_PROXY', http || https ? noProxy.join(',') || undefined : undefined)
          ])
          // Logs show the proxies without any part of their credentials.
          expect(plan.redactions).toEqual(
            [http, https].flatMap(proxy =>
              proxy && proxy.url !== proxy.display ? [[proxy.url, proxy.display]] : []
            )
          )
        }
      ),
      RUNS
    )
  })

  // src/plan/plan.ts proxyBuildArgs strips user info up to the first "@" only (/[^@/]*@/), so the rest of a
  // password holding "@" (valid for Go and accepted by parseProxyUrl) reaches argv and the provenance.
  // Fix there: strip up to the last "@", e.g. /^([a-z][a-z0-9+.-]*:\/\/)[^]*@/i. Then unskip.
  it('passes a proxy whose password holds "@" to RUN steps without any part of the password', () => {
    const plan = makePlan(
      parseInputs(inputSource({ ...PUSHABLE, 'http-proxy': 'http://u:s3cr3t@pa55@p:3128' })),
      context
    )
    expect(valuesOf(plan.commands.build, '--build-arg')).toEqual([
      'HTTP_PROXY=http://p:3128',
      'http_proxy=http://p:3128'
    ])
  })

  it('CSV-quotes any driver-opt value so that splitting it gives the value back', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 40 }), value => {
        expect(splitCsvLine(csvQuote(value))).toEqual([value])
      }),
      RUNS
    )
  })
})

describe('error messages', () => {
  it('quote any value on one line, visibly, and as JSON that reads back to the value', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 40 }), value => {
        const quoted = quoteValue(value)
        expect(JSON.parse(quoted)).toBe(value)
        expect(quoted).not.toMatch(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u)
        expect(quoted).not.toMatch(/[^\S ]/)
      }),
      RUNS
    )
  })
})
