import { Hono } from 'hono';
import type { AppEnv } from './bindings';
import { errorBody, handleError } from './errors';
import { checkpointRoutes } from './routes/checkpoints';
import { completions } from './routes/complete';
import { health } from './routes/health';
import { leaderboard } from './routes/leaderboard';
import { runs } from './routes/runs';
import { corsForInference, corsForReads, securityHeaders } from './web-headers';

const app = new Hono<AppEnv>();

app.use(securityHeaders);
app.use('/api/*', corsForReads);
app.use('/complete', corsForInference);
app.use('/v1/*', corsForInference);

app.route('/api/health', health);
app.route('/api/runs', runs);
app.route('/api/leaderboard', leaderboard);
app.route('/api/checkpoints', checkpointRoutes);
app.route('/', completions);

// Unknown API paths get the JSON error shape, not the site's HTML.
app.all('/api/*', (c) => c.json(errorBody('not_found', `No API route for ${c.req.method} ${c.req.path}`), 404));

// Everything else is the static site built by Vite (wrangler.toml [assets]).
// A shared model's page: /m/<id> is model.html, which reads the id from the path.
app.get('/m/:id', async (c) => {
  const asset = await c.env.ASSETS.fetch(new Request(new URL('/model', c.req.url), c.req.raw));
  return new Response(asset.body, asset);
});

// The assets' response headers are immutable: copy it so the security headers can be added.
app.on(['GET', 'HEAD'], '*', async (c) => {
  const asset = await c.env.ASSETS.fetch(c.req.raw);
  return new Response(asset.body, asset);
});

app.notFound((c) => c.json(errorBody('not_found', `Nothing at ${c.req.method} ${c.req.path}`), 404));

app.onError(handleError);

export default app;
