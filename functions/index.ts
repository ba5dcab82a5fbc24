import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { AppEnv } from './bindings';
import { ApiError, errorBody } from './errors';
import { health } from './routes/health';

const app = new Hono<AppEnv>();

app.route('/api/health', health);

// Unknown API paths get the JSON error shape, not the site's HTML.
app.all('/api/*', (c) =>
  c.json(errorBody('not_found', `No API route for ${c.req.method} ${c.req.path}`), 404),
);

// Everything else is the static site built by Vite (wrangler.toml [assets]).
app.on(['GET', 'HEAD'], '*', (c) => c.env.ASSETS.fetch(c.req.raw));

app.notFound((c) => c.json(errorBody('not_found', `Nothing at ${c.req.method} ${c.req.path}`), 404));

app.onError((err, c) => {
  if (err instanceof ApiError) return c.json(errorBody(err.code, err.message), err.status);
  if (err instanceof HTTPException) {
    return c.json(errorBody(`http_${err.status}`, err.message || 'Request failed'), err.status);
  }
  console.error('unhandled error', err);
  return c.json(errorBody('internal', 'Internal error; the server log has details'), 500);
});

export default app;
