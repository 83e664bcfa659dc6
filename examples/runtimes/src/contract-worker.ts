// The app as a Cloudflare Worker (module syntax), run by workerd without `nodejs_compat`.
import { createApp } from './app';

const app = createApp();

export default { fetch: (request: Request) => app(request) };
