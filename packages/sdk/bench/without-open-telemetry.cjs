// Preloaded (`node --require`) by the tracing benchmark's "absent" servers: acadle-webhooks cannot find
// @opentelemetry/api, as for an application that does not install it, although this workspace has it.
// Only the SDK's own lookups fail (it loads the API with `createRequire`), so that the application
// itself may still register OpenTelemetry (the "blind" mode: what tracing costs the application alone).
const Module = require('node:module');
const { sep } = require('node:path');

const SDK_BUILD = `${sep}packages${sep}sdk${sep}dist${sep}`;
const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function resolveWithoutOpenTelemetry(request, parent, ...rest) {
  if (request.startsWith('@opentelemetry/') && parent?.filename?.includes(SDK_BUILD)) {
    throw Object.assign(new Error(`Cannot find module '${request}'`), { code: 'MODULE_NOT_FOUND' });
  }
  return resolveFilename.call(this, request, parent, ...rest);
};
