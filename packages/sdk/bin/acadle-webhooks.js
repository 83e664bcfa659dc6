#!/usr/bin/env node
// The `acadle-webhooks` command. A file of its own, present before the first build, so that installing
// the workspace can link it (a `bin` pointing into dist/ warned "Failed to create bin" on a fresh clone).
require('../dist/cli/index.js');
