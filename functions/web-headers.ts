import type { MiddlewareHandler } from 'hono';
import { cors } from 'hono/cors';
import { secureHeaders } from 'hono/secure-headers';

/**
 * Who may call what from a browser on another origin: reads and inference
 * are public (any origin, no credentials); writes get no CORS headers, so a
 * browser elsewhere cannot make them (they all need a JSON or octet-stream
 * body, i.e. a preflight, which they do not pass).
 */
const EXPOSED = ['etag', 'content-range', 'content-length', 'content-disposition', 'retry-after'];

const publicReads = cors({
  origin: '*',
  allowMethods: ['GET', 'HEAD'],
  allowHeaders: ['range', 'if-none-match', 'if-range'],
  exposeHeaders: EXPOSED,
  maxAge: 86400,
});

/** CORS for GET/HEAD (and their preflights) under /api; other methods pass untouched. */
export const corsForReads: MiddlewareHandler = (c, next) => {
  const method = c.req.method;
  const preflightFor = method === 'OPTIONS' ? c.req.header('access-control-request-method') : undefined;
  const isRead = method === 'GET' || method === 'HEAD' || preflightFor === 'GET' || preflightFor === 'HEAD';
  return isRead ? publicReads(c, next) : next();
};

export const corsForInference = cors({
  origin: '*',
  allowMethods: ['POST'],
  allowHeaders: ['content-type', 'authorization'],
  exposeHeaders: EXPOSED,
  maxAge: 86400,
});

/**
 * Security headers on every response. The CSP lets the app run as built by
 * Vite (module scripts and styles from this origin, WebGPU, blob workers,
 * wasm for onnxruntime-web) and nothing else.
 */
export const securityHeaders = secureHeaders({
  contentSecurityPolicy: {
    defaultSrc: ["'self'"],
    scriptSrc: ["'self'", "'wasm-unsafe-eval'"],
    styleSrc: ["'self'", "'unsafe-inline'"],
    imgSrc: ["'self'", 'data:', 'blob:'],
    connectSrc: ["'self'"],
    workerSrc: ["'self'", 'blob:'],
    objectSrc: ["'none'"],
    baseUri: ["'self'"],
    formAction: ["'self'"],
    frameAncestors: ["'none'"],
  },
  // Public reads are fetched from other origins (with CORS): do not forbid that.
  crossOriginResourcePolicy: false,
});
