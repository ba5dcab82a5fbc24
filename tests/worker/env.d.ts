import type { Bindings } from '../../functions/bindings';

declare global {
  namespace Cloudflare {
    interface Env extends Bindings {
      /** Set in vitest.config.ts from migrations/, applied by apply-migrations.ts. */
      TEST_MIGRATIONS: import('cloudflare:test').D1Migration[];
      /** tests/fixtures/tiny-names.safetensors as base64 (vitest.config.ts). */
      TEST_TINY_NAMES_B64: string;
    }
    interface GlobalProps {
      /** Types `exports.default` from cloudflare:workers as the Worker itself. */
      mainModule: typeof import('../../functions/index');
    }
  }
}
