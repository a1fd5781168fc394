/** Module boundaries, checked by `npm run boundaries` inside `npm test`. */
module.exports = {
  forbidden: [
    {
      name: 'packages-are-standalone',
      comment: 'protocol libraries under packages/ import nothing from src/',
      severity: 'error',
      from: { path: '^packages/' },
      to: { path: '^src/' },
    },
    {
      name: 'only-through-index',
      comment: 'a module imports another only through its index.ts (tests may use the kernel test helpers)',
      severity: 'error',
      from: { path: '^src/([^/]+)/', pathNot: '^src/(app|cli)\\.ts$' },
      to: {
        path: '^src/([^/]+)/',
        pathNot: [
          '^src/$1/',
          '^src/[^/]+/index\\.ts$',
          '^src/platform/pure\\.ts$',
          '^src/platform/testing\\.ts$',
        ],
      },
    },
    {
      name: 'testing-helpers-only-in-tests',
      severity: 'error',
      from: { pathNot: '\\.test\\.ts$|^src/platform/testing\\.ts$' },
      to: { path: '^src/platform/testing\\.ts$' },
    },
    {
      name: 'domain-is-pure',
      comment: 'domain/ code does no I/O: no node built-ins, no drivers, no store/service/routes, only the pure kernel',
      severity: 'error',
      from: { path: ['^src/[^/]+/domain/', '^src/[^/]+/[^/]+/domain/'], pathNot: '\\.test\\.ts$' },
      to: {
        pathNot: [
          '^src/[^/]+/domain/',
          '^src/[^/]+/[^/]+/domain/', '^src/platform/pure\\.ts$', '^src/platform/(errors|money)\\.ts$', '^packages/'],
      },
    },
    {
      name: 'domain-no-core-modules',
      severity: 'error',
      from: { path: ['^src/[^/]+/domain/', '^src/[^/]+/[^/]+/domain/'], pathNot: '\\.test\\.ts$' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: 'node_modules' },
  },
};
