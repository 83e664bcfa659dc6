// The README's usage, from an ES module (the `import` builds of the package).
import * as core from 'acadle-webhooks';
import * as expressAdapter from 'acadle-webhooks/express';
import * as testing from 'acadle-webhooks/testing';
import express from 'express';
import exerciseSdk from './exercise-sdk.cjs';

console.log(JSON.stringify(await exerciseSdk({ core, expressAdapter, testing, express })));
