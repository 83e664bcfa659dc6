/**
 * Deliveries shaped as Acadle sends them, and a way to run handlers on them, for tests.
 *
 * @packageDocumentation
 * @module acadle-webhooks/testing
 */
export { type AcadleDelivery, type CreateEventOverrides, createEvent } from './create-event.js';
export { type DeliverOptions, deliver } from './deliver.js';
export { fixtures } from './fixtures.js';
