import * as core from '@actions/core'
import { randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { defaultBuilderName, Inputs, parseInputs, PROXY_INPUTS, rawProxyValue } from './inputs'
import { proxyCredentialSecrets } from './proxy'

/** Reads the workflow inputs; proxy credentials are masked in the log before anything can print them. */
export function readInputs(): Inputs {
  const env = process.env
  const get = (name: string): string => core.getInput(name)
  PROXY_INPUTS.forEach((_, index) => {
    for (const secret of proxyCredentialSecrets(rawProxyValue({ get, env }, index))) core.setSecret(secret)
  })
  for (const line of get('secrets').split(/\r?\n/)) {
    const value = line.slice(line.indexOf('=') + 1).trim()
    if (line.includes('=') && value !== '') core.setSecret(value)
  }
  if (get('github-token').trim() !== '') core.setSecret(get('github-token').trim())
  return parseInputs({
    get,
    env,
    readFile: path => readFileSync(resolve(env.GITHUB_WORKSPACE ?? '.', path), 'utf8'),
    defaultBuilderName: defaultBuilderName(env, randomBytes(4).toString('hex'))
  })
}
