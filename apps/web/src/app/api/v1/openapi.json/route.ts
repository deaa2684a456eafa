import { restApi } from '../../../../server/rest/index.ts';

export const runtime = 'nodejs';

export const GET = (request: Request): Promise<Response> => restApi().openapi(request);
