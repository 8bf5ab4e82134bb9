import * as core from '@actions/core'
import { randomBytes } from 'node:crypto'
import { realpathSync } from 'node:fs'
import { relative, resolve, isAbsolute } from 'node:path'
import { secretValuesToMask } from './build-options'
import { defaultBuilderName, Inputs, parseInputs } from './parse'
import { rawProxyValue } from './network-inputs'
import { PROXY_INPUTS } from './input-table'
import { MIN_MASK_LENGTH, proxyCredentialSecrets, urlCredentialSecrets } from '../model/credentials'
import { readRegularFile } from './regular-file'

/** Inputs read as written, surrounding whitespace included. */
const KEEP_WHITESPACE = new Set(['secrets', 'sign-key-password'])

/** Reads the workflow inputs; credentials are masked in the log before anything can print them. */
export async function readInputs(): Promise<Inputs> {
  const env = process.env
  // secrets keep their surrounding whitespace, as in build-push-action: a key's last newline is part of it. So
  // does a key's password.
  const get = (name: string): string => core.getInput(name, { trimWhitespace: !KEEP_WHITESPACE.has(name) })
  PROXY_INPUTS.forEach((_, index) => {
    for (const secret of proxyCredentialSecrets(rawProxyValue({ get, env }, index))) mask(secret)
  })
  for (const value of secretValuesToMask(get('secrets'))) mask(value)
  mask(get('github-token').trim())
  // Each line of the key, the password as written, the token: before any message could quote them.
  maskKey(get('sign-key').trim())
  mask(get('sign-key-password'))
  mask(get('sigstore-identity-token').trim())
  for (const secret of urlCredentialSecrets(get('context'))) mask(secret)
  for (const secret of urlCredentialSecrets(get('buildx-download-url'))) mask(secret)
  for (const secret of urlCredentialSecrets(get('cosign-download-url'))) mask(secret)
  // Parsed here, once: YAML is loaded only for a step that logs in, and its masks come before any message.
  const registryAuth = get('registry-auth')
  const registryLogins =
    registryAuth.trim() === ''
      ? []
      : (await import('./registry-auth')).readRegistryAuth(registryAuth, env, mask)
  const workspace = env.GITHUB_WORKSPACE || process.cwd()
  return parseInputs({
    get,
    env,
    readFile: path => readWorkspaceFile(workspace, path),
    // The runner writes it outside the workspace; a missing or unreadable one only loses its facts.
    readEvent: () => readRegularFile(env.GITHUB_EVENT_PATH ?? '', MAX_EVENT_BYTES),
    defaultBuilderName: defaultBuilderName(env, randomBytes(4).toString('hex')),
    registryLogins
  })
}

/**
 * Registers a secret with the runner. The runner masks line by line and ends a line at CR as well as LF, so a
 * value spanning lines is registered line by line too, or its parts would show. Nothing shorter than
 * MIN_MASK_LENGTH is registered: a mask "=" would hide every "=" in the job log. The inputs refuse secrets
 * that short; a short line of a longer value (a base64 key may end in a line "Q==") is left unmasked.
 */
function mask(secret: string): void {
  const long = (text: string) => text.trim().length >= MIN_MASK_LENGTH
  if (!long(secret)) return
  core.setSecret(secret)
  const lines = secret.split(/\r\n|\r|\n/)
  if (lines.length > 1) lines.filter(long).forEach(line => core.setSecret(line))
}

/**
 * A PEM key is base64 lines between BEGIN and END lines. A value with any other line is no key: it is refused and
 * never quoted, so it is not registered either (act would read a mask holding "::" as a workflow command).
 */
function maskKey(key: string): void {
  const lines = key.split(/\r\n|\r|\n/)
  if (lines.every(line => /^[A-Za-z0-9+/=]*$|^-----[A-Z ]+-----$/.test(line))) mask(key)
}

/** buildkitd.toml is small; anything bigger is not one. */
const MAX_CONFIG_BYTES = 1024 * 1024
/** GitHub caps webhook payloads at 25 MB; a bigger file is not an event. */
const MAX_EVENT_BYTES = 25 * 1024 * 1024

/**
 * A file the workflow names, read only when it is a regular file inside the workspace (after symlinks), and at
 * most MAX_CONFIG_BYTES. Opened non-blocking, so a FIFO cannot hang the step; the checks run on the open file.
 */
export function readWorkspaceFile(workspace: string, path: string): string {
  const root = realpathSync(workspace)
  const real = realpathSync(resolve(root, path))
  const inside = relative(root, real)
  if (inside === '' || inside.startsWith('..') || isAbsolute(inside)) {
    throw Object.assign(new Error('outside the workspace'), { code: 'outside the workspace' })
  }
  return readRegularFile(real, MAX_CONFIG_BYTES)
}
