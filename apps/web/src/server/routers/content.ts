import { CAPTURE_MODES, getContentSettings, saveContentSettings, type CaptureMode } from '@plumb/store';
import { z } from 'zod';
import { adminProcedure, protectedProcedure, router } from '../trpc.ts';

// Built-in redaction patterns (apps/collector/src/content/patterns.ts); anything else must be a
// regular expression.
export const BUILTIN_PATTERN_NAMES = ['email', 'api_key', 'card', 'bearer'] as const;

const pattern = z
  .string()
  .trim()
  .min(1)
  .max(300, 'at most 300 characters')
  .refine((p) => {
    if ((BUILTIN_PATTERN_NAMES as readonly string[]).includes(p)) return true;
    try {
      new RegExp(p, 'g');
      return true;
    } catch {
      return false;
    }
  }, 'must be a built-in name (email, api_key, card, bearer) or a valid regular expression');

export const contentSettingsInput = z
  .strictObject({
    capture: z.enum(CAPTURE_MODES as [CaptureMode, ...CaptureMode[]]),
    captureMaxBytes: z.number().int().min(0).max(10_000_000),
    redactKeys: z.array(z.string().trim().min(1).max(200)).max(100),
    redactPatterns: z.array(pattern).max(20),
    maxValueBytes: z.number().int().min(0).max(10_000_000),
    maxSpanBytes: z.number().int().min(0).max(100_000_000),
  })
  .refine((s) => s.capture !== 'truncate' || s.captureMaxBytes > 0, { message: 'a truncated capture needs a byte limit above 0', path: ['captureMaxBytes'] });

/**
 * Content controls of the current project (what the collector keeps of prompts, completions
 * and attributes; applied before the WAL). Every member sees them (a viewer knows what is
 * redacted); admins change them. Collectors pick a change up within 5 s.
 */
export const contentRouter = router({
  get: protectedProcedure.query(async ({ ctx }) => {
    const { version, ...settings } = await getContentSettings(ctx.store, ctx.projectId);
    return { settings, updatedAt: version > 0 ? new Date(version).toISOString() : null, builtinPatterns: BUILTIN_PATTERN_NAMES };
  }),
  save: adminProcedure.input(contentSettingsInput).mutation(async ({ ctx, input }) => {
    await saveContentSettings(ctx.store, ctx.projectId, input);
    return { saved: true };
  }),
});
