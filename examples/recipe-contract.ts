// The contract every framework recipe in examples/ must keep, run against the real framework listening
// on loopback: Acadle's documented examples answered 200 and handled, a repeat answered as a duplicate,
// a wrong token 401, a body over the limit 413, whatever body parsing the framework does by default.
import { fixtures } from 'acadle-webhooks/testing';

/** A recipe's app, started by the test. */
export interface RunningRecipe {
  /** The endpoint without the token, e.g. `http://127.0.0.1:4321/webhooks/acadle`. */
  endpoint: string;
  /** The token the app accepts. */
  token: string;
  /** The app's `maxBodyBytes`. */
  maxBodyBytes: number;
  /** Event ids the app's handlers ran for, in order (as of the last `idle()`, for an app in another process). */
  handledIds(): string[];
  /** Resolves once nothing is left to process. */
  idle(): Promise<void>;
  stop(): Promise<void>;
}

const post = (url: string, body: string, contentType = 'application/json') =>
  fetch(url, { method: 'POST', headers: { 'content-type': contentType }, body });

/** Registers the contract's tests for the recipe that `start` runs. */
export function describeRecipe(name: string, start: () => Promise<RunningRecipe>): void {
  describe(`${name} recipe`, () => {
    let app: RunningRecipe;
    beforeAll(async () => {
      app = await start();
    });
    afterAll(async () => {
      await app?.stop();
    });

    it("answers 200 to each of Acadle's documented examples and runs its handler", async () => {
      for (const body of Object.values(fixtures)) {
        const response = await post(`${app.endpoint}/${app.token}`, body);
        expect({ status: response.status, body: await response.json() }).toEqual({
          status: 200,
          body: { received: true, id: JSON.parse(body).id, duplicate: false },
        });
      }
      await app.idle();
      expect(app.handledIds()).toEqual(Object.values(fixtures).map((body) => JSON.parse(body).id));
    });

    it('answers a repeat 200 with duplicate: true, and does not run the handler again', async () => {
      await app.idle();
      const before = app.handledIds().length;
      const response = await post(`${app.endpoint}/${app.token}`, fixtures.user_registered);
      expect(await response.json()).toEqual({
        received: true,
        id: JSON.parse(fixtures.user_registered).id,
        duplicate: true,
      });
      await app.idle();
      expect(app.handledIds()).toHaveLength(before);
    });

    it('takes the token from the query too, and accepts any content type (Acadle documents none)', async () => {
      const body = JSON.stringify({ ...JSON.parse(fixtures.user_badge_updated), id: `${name}-query` });
      const response = await post(`${app.endpoint}?token=${app.token}`, body, 'text/plain');
      expect(response.status).toBe(200);
    });

    it('answers 401 to a wrong token, without storing anything', async () => {
      await app.idle();
      const before = app.handledIds().length;
      const body = JSON.stringify({ ...JSON.parse(fixtures.user_registered), id: `${name}-wrong-token` });
      const response = await post(`${app.endpoint}/${app.token}x`, body);
      expect(response.status).toBe(401);
      expect((await response.json()).error).toBe('unauthorized');
      await app.idle();
      expect(app.handledIds()).toHaveLength(before);
    });

    it('answers 413 to a body over maxBodyBytes', async () => {
      const padding = 'x'.repeat(app.maxBodyBytes);
      const body = JSON.stringify({ ...JSON.parse(fixtures.user_registered), id: `${name}-large`, padding });
      const response = await post(`${app.endpoint}/${app.token}`, body);
      expect(response.status).toBe(413);
    });

    it('answers 400 to a body that is not JSON, never 5xx', async () => {
      const response = await post(`${app.endpoint}/${app.token}`, '{oops');
      expect(response.status).toBe(400);
    });
  });
}
