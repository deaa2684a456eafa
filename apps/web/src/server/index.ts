export { appRouter, createCaller, type AppRouter } from './router.ts';
export { createContextFromRequest, type Context } from './context.ts';
export { getStore, setStore } from './store.ts';
export { SESSION_COOKIE } from './cookies.ts';
