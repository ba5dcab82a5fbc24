import { Hono } from 'hono';
import packageJson from '../../package.json';
import type { AppEnv } from '../bindings';
import { checkD1, checkR2 } from '../storage/health';

/** GET /api/health: checks D1 and R2 for real; 503 when either fails. */
export const health = new Hono<AppEnv>().get('/', async (c) => {
  const [d1, r2] = await Promise.all([checkD1(c.env), checkR2(c.env)]);
  const ok = d1.ok && r2.ok;
  const errors = [d1.error, r2.error].filter((e): e is string => e !== undefined);
  return c.json(
    { ok, version: packageJson.version, d1: d1.ok, r2: r2.ok, ...(errors.length ? { errors } : {}) },
    ok ? 200 : 503,
  );
});
