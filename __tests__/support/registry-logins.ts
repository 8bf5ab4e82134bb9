/** A registry-auth password with every character YAML or a config.json could trip over. */
export const PASSWORD = 'p@ss:w=rd "#1'

/** Two logins as registry-auth gives them: one with that password, one for Docker Hub. */
export const LOGINS = [
  { registry: 'ghcr.io', username: 'bot', password: PASSWORD },
  { registry: 'docker.io', username: 'hub', password: 'tok' }
]

export const base64 = (text: string): string => Buffer.from(text).toString('base64')
