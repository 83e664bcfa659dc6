/**
 * Deliveries shaped as Acadle sends them, for tests.
 *
 * @packageDocumentation
 * @module acadle-webhooks/testing
 */
export { type AcadleDelivery, type CreateEventOverrides, createEvent } from './create-event.js';
export { fixtures } from './fixtures.js';
