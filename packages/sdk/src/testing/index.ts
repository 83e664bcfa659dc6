export { type AcadleDelivery, type CreateEventOverrides, createEvent } from './create-event.js';
export { fixtures } from './fixtures.js';
