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
// Unit tests load effectful modules (src/run, post, the pipeline) in-process: @actions/core (ESM-only, which
// jest's CommonJS mode cannot load) and @actions/exec are replaced by recording doubles; the docker runner is
// injected per test (__tests__/support/doubles).
const doubles = {
  moduleNameMapper: {
    '^@actions/core$': '<rootDir>/__tests__/support/doubles/actions-core.ts',
    '^@actions/exec$': '<rootDir>/__tests__/support/doubles/actions-exec.ts'
  }
}
module.exports = {
  projects: [project('unit', doubles), project('integration'), project('e2e')]
}
