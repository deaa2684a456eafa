import { envWithoutBlanks } from '@plumb/store';
import { z } from 'zod';

const webEnv = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('0.0.0.0'),
  PLUMB_ADMIN_EMAIL: z.string().email('must be an email address').optional(),
  PLUMB_ADMIN_PASSWORD: z.string().min(8, 'must be at least 8 characters').optional(),
});

export type WebEnv = z.infer<typeof webEnv>;

/** Settings of the web role (port, first admin; '' = unset); throws an Error naming the bad variable. */
export function webEnvFromEnv(env: Record<string, string | undefined> = process.env): WebEnv {
  const parsed = webEnv.safeParse(envWithoutBlanks(env));
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`invalid ${issue.path.join('.')}: ${issue.message}`);
  }
  return parsed.data;
}
