import { restApi } from '../../../../../server/rest/index.ts';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

// The handler reads the trace id from the URL path, so it stays testable without Next.
export const GET = (request: Request): Promise<Response> => restApi().getTrace(request);
