// The README's usage, from a CommonJS module (the `require` builds of the package).
const exerciseSdk = require('./exercise-sdk.cjs');

exerciseSdk({
  core: require('acadle-webhooks'),
  expressAdapter: require('acadle-webhooks/express'),
  testing: require('acadle-webhooks/testing'),
  express: require('express'),
}).then(
  (summary) => console.log(JSON.stringify(summary)),
  (error) => {
    console.error(error);
    process.exitCode = 1;
  },
);
