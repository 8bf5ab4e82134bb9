// Three projects so each layer can run alone: unit (pure modules), integration (dist/ against a fake docker),
// e2e (dist/ against the real stack brought up by stack/up).
const transform = {
  '^.+\\.ts$': [
    'ts-jest',
    { tsconfig: { module: 'commonjs', moduleResolution: 'node', isolatedModules: true } }
  ]
}
const project = (name, extra = {}) => ({
  displayName: name,
  testEnvironment: 'node',
  transform,
  testMatch: [`<rootDir>/__tests__/${name}/**/*.test.ts`],
  ...extra
})
module.exports = {
  projects: [project('unit'), project('integration'), project('e2e')]
}
