// musegen is an ES module. `require('musegen')` lands here and says how to load it instead.
const error = new Error(
  "musegen is an ES module and cannot be require()d: use `import { … } from 'musegen'`, or from CommonJS `const musegen = await import('musegen')`",
);
error.code = 'ERR_REQUIRE_ESM';
throw error;
