import { restApi } from '../../../../../server/rest/index.ts';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

export const PUT = (request: Request): Promise<Response> => restApi().gpuPrices(request);
